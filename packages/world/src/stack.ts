import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts the platform as separate processes, as it runs in production: the ARI simulator (standing in
 * for Asterisk) and every built service, each on its ports, in dependency order, waiting for each to be
 * ready. The demo and the end-to-end benchmark share it.
 */
export type ServiceName = 'crm' | 'acd' | 'telephony' | 'campaign' | 'qa' | 'gateway';

export interface ServicePorts {
  http: number;
  grpc?: number;
}

export interface StackOptions {
  databaseUrl: string;
  natsUrl: string;
  ariPort: number;
  timeScale: number;
  ports: Partial<Record<ServiceName, ServicePorts>>;
  /** Services to start, in this order (those not built are skipped and reported). */
  services: ServiceName[];
  operatorToken: string;
  jwtSecret: string;
  logLevel?: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Called when a process exits while the stack runs (not during stop()). */
  onExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface RunningStack {
  ariUrl: string;
  simUrl: string;
  started: { name: string; url: string }[];
  missing: ServiceName[];
  url(name: ServiceName): string | undefined;
  grpcAddress(name: ServiceName): string | undefined;
  stop(): Promise<void>;
}

export const ARI_CREDENTIALS = { user: 'asterisk', password: 'asterisk', app: 'callcenter' } as const;

/** Where a workspace package's built file is (apps are resolved through their package names). */
export function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

export async function waitReady(
  url: string,
  timeoutMs = 60_000,
  headers: Record<string, string> = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;
  const spawnNode = (
    name: string,
    file: string,
    args: string[],
    env: Record<string, string>,
  ): ChildProcess => {
    const child = spawn(process.execPath, [file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    // Logs are JSON lines (pino); only errors are worth a person's attention during a run.
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (/"level":(50|60)|"level":"(error|fatal)"|^\S*Error|failed to start/.test(line))
          process.stderr.write(`[${name}] ${line.slice(0, 400)}\n`);
      });
    }
    child.on('exit', (code, signal) => {
      if (!stopping) options.onExit?.(name, code, signal);
    });
    children.push({ name, child });
    return child;
  };
  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      children
        .reverse()
        .filter(({ child }) => child.exitCode === null && child.signalCode === null)
        .map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => child.kill('SIGKILL'), 8000);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
    );
  };

  try {
    const ariBase = `http://127.0.0.1:${options.ariPort}`;
    const basic = `Basic ${Buffer.from(`${ARI_CREDENTIALS.user}:${ARI_CREDENTIALS.password}`).toString('base64')}`;
    spawnNode(
      'ari-sim',
      packageFile('@cc/ari-sim', 'dist/cli.js'),
      ['--host', '127.0.0.1', '--time-scale', String(options.timeScale)],
      {
        PORT: String(options.ariPort),
        ARI_USERNAME: ARI_CREDENTIALS.user,
        ARI_PASSWORD: ARI_CREDENTIALS.password,
        ARI_APP: ARI_CREDENTIALS.app,
      },
    );
    if (!(await waitReady(`${ariBase}/ari/asterisk/info`, 30_000, { authorization: basic })))
      throw new Error(`the ARI simulator did not start on port ${options.ariPort}`);

    // Each service finds the others by <NAME>_GRPC_URL and, for the gateway's REST hops, <NAME>_URL.
    const peerUrls: Record<string, string> = {};
    for (const [name, p] of Object.entries(options.ports)) {
      peerUrls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${p.http}`;
      if (p.grpc !== undefined) peerUrls[`${name.toUpperCase()}_GRPC_URL`] = `127.0.0.1:${p.grpc}`;
    }
    const common: Record<string, string> = {
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      NODE_ENV: 'development',
      LOG_LEVEL: options.logLevel ?? 'warn',
      ARI_URL: `${ariBase}/ari`,
      ARI_USERNAME: ARI_CREDENTIALS.user,
      ARI_PASSWORD: ARI_CREDENTIALS.password,
      ARI_APP: ARI_CREDENTIALS.app,
      OPERATOR_TOKENS: `demo=${options.operatorToken}`,
      JWT_SECRET: options.jwtSecret,
      ...peerUrls,
      ...options.env,
    };
    const started: { name: string; url: string }[] = [{ name: 'ari-sim', url: `${ariBase}/ari` }];
    const missing: ServiceName[] = [];
    for (const name of options.services) {
      const ports = options.ports[name];
      let main: string;
      try {
        main = packageFile(`@cc/${name}`, 'dist/main.js');
      } catch {
        missing.push(name);
        continue;
      }
      if (!ports || !existsSync(main)) {
        missing.push(name);
        continue;
      }
      spawnNode(name, main, [], {
        ...common,
        SERVICE_NAME: name,
        PORT: String(ports.http),
        GRPC_PORT: String(ports.grpc ?? 0),
      });
      const url = `http://127.0.0.1:${ports.http}`;
      if (!(await waitReady(`${url}/health/ready`)))
        throw new Error(`${name} did not become ready on port ${ports.http}`);
      started.push({ name, url });
    }
    return {
      ariUrl: `${ariBase}/ari`,
      simUrl: ariBase,
      started,
      missing,
      url: (name) => started.find((s) => s.name === name)?.url,
      grpcAddress: (name) => {
        const port = options.ports[name]?.grpc;
        return port === undefined ? undefined : `127.0.0.1:${port}`;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
