#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startAriSim } from './http/ari-sim.server';

/** ari-sim --port 8088 --user asterisk --password asterisk --app callcenter --time-scale 1 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env['PORT'] ?? '8088' },
      host: { type: 'string', default: '0.0.0.0' },
      user: { type: 'string', default: process.env['ARI_USERNAME'] ?? 'asterisk' },
      password: { type: 'string', default: process.env['ARI_PASSWORD'] ?? 'asterisk' },
      app: { type: 'string', default: process.env['ARI_APP'] ?? 'callcenter' },
      'time-scale': { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'ari-sim [--port 8088] [--host 0.0.0.0] [--user asterisk] [--password asterisk] [--app callcenter] [--time-scale 1]\n',
    );
    return;
  }
  const timeScale = Number(values['time-scale']);
  const port = Number(values.port);
  if (!(timeScale > 0) || !Number.isInteger(port) || port < 0) {
    process.stderr.write('ari-sim: --time-scale must be > 0 and --port an integer\n');
    process.exitCode = 2;
    return;
  }
  const sim = await startAriSim({
    port,
    host: values.host,
    user: values.user,
    password: values.password,
    app: values.app,
    timeScale,
  });
  process.stdout.write(
    `${JSON.stringify({ msg: 'ari-sim listening', ari: `${sim.url}/ari`, control: `${sim.url}/sim/v1`, timeScale })}\n`,
  );
  const shutdown = (): void => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`ari-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
