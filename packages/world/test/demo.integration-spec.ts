import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestDatabase } from '@cc/testing';
import type { RunReport } from '../src/report';
import { createStackDatabase } from '../src/stack-database';

const APPS = ['crm', 'acd', 'telephony', 'gateway'] as const;

interface Access {
  gatewayUrl: string;
  operatorToken: string;
  tenants: { id: string; name: string; apiKey: string }[];
}

/**
 * The demo headless for a short while, as a person would run it (`--json --duration`), on its own
 * database, NATS and free ports: the first line says how to reach it, the last one carries the KPIs.
 */
describe('npm run demo -- --json --duration', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createStackDatabase('demo', APPS);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('carries calls in every tenant, never double-books an agent, and prints sane KPIs', async () => {
    const child = spawn(
      process.execPath,
      [
        join(__dirname, '../dist/demo.cli.js'),
        '--json',
        '--duration',
        '35',
        '--free-ports',
        '--time-scale',
        '20',
      ],
      { env: { ...process.env, DATABASE_URL: db.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
    const lines: string[] = [];
    let access: Access | undefined;
    let apiCheck: Promise<number[]> | undefined;
    let queuesCheck: Promise<unknown> | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        access = JSON.parse(line) as Access;
        const a = access;
        // While it runs: the printed credentials work, each only for its own tenant.
        apiCheck = Promise.all([
          fetch(`${a.gatewayUrl}/admin/v1/tenants`, {
            headers: { authorization: `Bearer ${a.operatorToken}` },
          }).then((r) => r.status),
          fetch(`${a.gatewayUrl}/v1/api-keys`, {
            headers: { authorization: `Bearer ${a.tenants[0]?.apiKey}` },
          }).then((r) => r.status),
          fetch(`${a.gatewayUrl}/admin/v1/tenants`, {
            headers: { authorization: `Bearer ${a.tenants[0]?.apiKey}` },
          }).then((r) => r.status),
        ]);
        // The tenant API fronts acd: Skyways' key sees Skyways' queues.
        queuesCheck = fetch(`${a.gatewayUrl}/v1/queues`, {
          headers: { authorization: `Bearer ${a.tenants[0]?.apiKey}` },
        }).then((r) => r.json());
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`demo exited ${code}:\n${stderr.slice(-30).join('\n')}`);

    expect(access?.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(access?.tenants.map((t) => t.id)).toEqual(['skyways', 'northbank', 'telco']);
    for (const t of access?.tenants ?? []) expect(t.apiKey).toMatch(/^cck_/);
    expect(await apiCheck).toEqual([200, 200, 403]);
    const queues = JSON.stringify(await queuesCheck);
    expect(queues).toContain('booking');
    expect(queues).not.toContain('fraud');

    const report = JSON.parse(lines.at(-1) ?? '{}') as RunReport & { callsPlaced: number };
    expect(report.agentsDoubleBooked).toBe(0);
    expect(report.callsAnsweredAndAbandoned).toBe(0);
    expect(report.tenants).toHaveLength(3);
    for (const tenant of report.tenants) {
      expect(tenant.answered).toBeGreaterThan(0);
      expect(tenant.offered).toBe(tenant.answered + tenant.abandoned);
      expect(tenant.sl20).toBeGreaterThanOrEqual(0);
      expect(tenant.sl20).toBeLessThanOrEqual(1);
      expect(tenant.asa).toBeGreaterThanOrEqual(0);
      expect(tenant.queues.reduce((n, q) => n + q.offered, 0)).toBe(tenant.offered);
    }
    expect(report.callsPlaced).toBeGreaterThanOrEqual(report.tenants.reduce((n, t) => n + t.offered, 0));
  });
});
