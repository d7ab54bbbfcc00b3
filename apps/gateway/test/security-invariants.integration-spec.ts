import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { UNPROTECTED_TENANT_TABLES_SQL } from '@cc/platform';
import { Client } from 'pg';
import request from 'supertest';
import { GATEWAY_SCHEMA } from '../src/config/gateway.config';
import { isKitController } from '../src/modules/auth/auth.guard';
import { AUTH_METADATA, type RouteAuth } from '../src/modules/auth/authenticated.decorator';
import { startGatewayTestApp, type GatewayTestApp } from './gateway-test-app';

/** The only routes a caller reaches without a credential (besides the kit's health and metrics). */
const PUBLIC_ROUTES = [
  'POST v1/auth/token',
  'POST v1/auth/refresh',
  // Ends a session: the refresh token in the body is the credential, and a wrong one changes nothing.
  'POST v1/auth/logout',
  // A recording's audio: the HMAC-signed, short-lived query is the credential (a media player sends no header).
  'GET v1/recordings/:recordingId/file',
];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

interface RouteInfo {
  route: string;
  controller: string;
  kit: boolean;
  auth: RouteAuth | undefined;
}

function join(...parts: unknown[]): string {
  return parts
    .flatMap((p): unknown[] => (Array.isArray(p) ? (p as unknown[]) : [p]))
    .filter((p): p is string => typeof p === 'string' && p !== '/' && p !== '')
    .map((p) => p.replace(/^\/|\/$/g, ''))
    .join('/');
}

describe('security invariants', () => {
  let t: GatewayTestApp;

  beforeAll(async () => {
    t = await startGatewayTestApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  function routes(): RouteInfo[] {
    const found: RouteInfo[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!controller) continue;
        const prototype = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          const path: unknown = Reflect.getMetadata(PATH_METADATA, handler);
          if (path === undefined) continue;
          const method = HTTP_METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? '?';
          found.push({
            route: `${method} ${join(Reflect.getMetadata(PATH_METADATA, controller), path)}`,
            controller: controller.name,
            kit: isKitController(controller),
            auth: (Reflect.getMetadata(AUTH_METADATA, handler) ??
              Reflect.getMetadata(AUTH_METADATA, controller)) as RouteAuth | undefined,
          });
        }
      }
    }
    return found;
  }

  it('finds the routes (so the checks below are not vacuous)', () => {
    const all = routes();
    expect(all.filter((r) => !r.kit).length).toBeGreaterThanOrEqual(30);
    expect(all.some((r) => r.kit && r.route.startsWith('GET health'))).toBe(true);
    expect(all.some((r) => r.kit && r.route === 'GET metrics')).toBe(true);
  });

  it('gives every route of the gateway an access rule; only login, refresh, logout and signed downloads are public', () => {
    const gateway = routes().filter((r) => !r.kit);
    expect(gateway.filter((r) => !r.auth).map((r) => `${r.controller}: ${r.route}`)).toEqual([]);
    expect(
      gateway
        .filter((r) => r.auth?.audience === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual([...PUBLIC_ROUTES].sort());
    // Admin routes are the operator's, tenant routes a tenant's: never mixed up.
    for (const r of gateway.filter((g) => g.auth?.audience !== 'public')) {
      const path = r.route.split(' ')[1] ?? '';
      expect({ route: r.route, audience: r.auth?.audience }).toEqual({
        route: r.route,
        audience: path.startsWith('admin/') ? 'operator' : 'tenant',
      });
    }
  });

  it('serves only health, metrics, the documents and Swagger UI without a credential', async () => {
    const http = t.app.getHttpServer();
    for (const path of ['/health/live', '/metrics', '/v1/openapi.json', '/admin/v1/openapi.json', '/docs']) {
      const res = await request(http).get(path).redirects(1);
      expect({ path, ok: res.status < 400 }).toEqual({ path, ok: true });
    }
    for (const path of ['/v1/me', '/v1/audit-log', '/admin/v1/tenants']) {
      expect({ path, status: (await request(http).get(path)).status }).toEqual({ path, status: 401 });
    }
  });

  it('puts every tenant table of schema gateway behind forced row-level security', async () => {
    const rows = await t.ownerQuery<{ table: string }>(UNPROTECTED_TENANT_TABLES_SQL, [
      GATEWAY_SCHEMA,
      'tenant_id',
    ]);
    expect(rows).toEqual([]);
    const tables = await t.ownerQuery<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
       WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1`,
      [GATEWAY_SCHEMA],
    );
    expect(tables.length).toBeGreaterThanOrEqual(8);
  });

  it('shows the app role no row of any gateway table without a tenant or operator setting', async () => {
    const tenantId = `rls${Date.now().toString(36)}`;
    await t.ownerQuery(`INSERT INTO tenant (id, name) VALUES ($1, 'x')`, [tenantId]);
    await t.ownerQuery(
      `INSERT INTO audit_record (id, tenant_id, actor, action, resource_type, resource_id) VALUES ($1, $2, 'a', 'b', 'c', 'd')`,
      [`aud_${tenantId}`, tenantId],
    );
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${GATEWAY_SCHEMA}`);
      await client.query('SET ROLE cc_app');
      const tables = (
        await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
          GATEWAY_SCHEMA,
        ])
      ).rows.map((r) => r.tablename);
      const visible: string[] = [];
      for (const table of tables.filter((name) => name !== 'processed_event' && !name.startsWith('_'))) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
        if ((rows[0]?.n ?? 0) > 0) visible.push(table);
      }
      expect(visible).toEqual([]);
      await client.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);
      const own = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_record');
      expect(own.rows[0]?.n).toBe(1);
      const tenants = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM tenant');
      expect(tenants.rows[0]?.n).toBe(0);
    } finally {
      await client.end();
    }
  });
});
