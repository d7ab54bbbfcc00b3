import { randomSuffix, uniqueTenantId } from '@cc/testing';
import fc from 'fast-check';
import request from 'supertest';
import {
  asOperator,
  bearer,
  provisionTenant,
  startGatewayTestApp,
  type GatewayTestApp,
} from './gateway-test-app';
import { startFrontedServices, type FrontedServices } from './fronted-services';

type Json = Record<string, unknown>;
interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}
interface BodyRoute {
  doc: 'tenant' | 'admin';
  method: 'post' | 'patch' | 'put';
  path: string;
  schema: JsonSchema;
}
interface Problem {
  status: number;
  errors?: { field: string; rule: string; message: string }[];
}
/** A body that breaks the route's schema in one way, and the field the answer must name. */
interface Mutation {
  describe: string;
  raw: string;
  names: RegExp;
}

const INJECTIONS = [
  "'; DROP TABLE gateway.tenant; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '../../../../etc/passwd',
  '\u0000',
  '%00',
  '{{7*7}}',
  '𝕏'.repeat(300),
  '\ud800',
];

/** A request on one of the body routes. */
function openRequest(app: GatewayTestApp['app'], route: BodyRoute, url: string): request.Test {
  const agent = request(app.getHttpServer());
  return route.method === 'post'
    ? agent.post(url)
    : route.method === 'put'
      ? agent.put(url)
      : agent.patch(url);
}

const URL_SAFE_INJECTIONS = INJECTIONS.filter((text) => !text.includes('\ud800'));

/** Values where a property of each JSON type is expected (null is right where the schema allows it). */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  return schema.nullable ? anyWrongValue(schema).filter((v) => v !== null) : anyWrongValue(schema);
}

function anyWrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const junk = {
    string: fc.string({ maxLength: 20 }),
    integer: fc.integer(),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  };
  if (schema.enum) {
    const allowed = schema.enum;
    return fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !allowed.includes(s)),
      junk.integer,
      junk.null,
      junk.object,
    );
  }
  switch (schema.type ?? 'unknown') {
    case 'string':
      return fc.oneof(junk.integer, junk.boolean, junk.null, junk.array, junk.object);
    case 'integer':
      return fc.oneof(
        junk.string,
        junk.boolean,
        junk.null,
        junk.array,
        junk.object,
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
      );
    case 'number':
      return fc.oneof(junk.string, junk.boolean, junk.null, junk.array, junk.object);
    case 'boolean':
      return fc.oneof(junk.string, junk.integer, junk.null, junk.array, junk.object);
    case 'array':
      return fc.oneof(
        junk.string,
        junk.integer,
        junk.null,
        junk.object,
        // The right container with items of the wrong type.
        schema.items ? fc.array(wrongValue(schema.items), { minLength: 1, maxLength: 2 }) : junk.integer,
      );
    default:
      return fc.oneof(junk.string, junk.integer, junk.null);
  }
}

/** A valid value, so that a mutation breaks exactly one thing (refinements the schema cannot express aside). */
function sample(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return {};
  if (name === 'factTypes') return ['*'];
  if (schema.enum) return schema.enum[0];
  switch (schema.type ?? 'unknown') {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [key, sample(schema.properties?.[key], key)]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'string':
      if (schema.format === 'email') return `fuzz-${randomSuffix()}@example.com`;
      if (schema.format === 'uri' || name === 'url') return 'https://example.com/hook';
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      return 'x'.repeat(Math.max(12, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return {};
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mutations(schema: JsonSchema): fc.Arbitrary<Mutation> {
  const properties = Object.entries(schema.properties ?? {});
  const base = () => sample(schema) as Json;
  const options: fc.Arbitrary<Mutation>[] = [
    // Not an object at all.
    fc.constantFrom('[]', '[1,2]', '123', '"text"', 'null', 'true').map((raw) => ({
      describe: `body ${raw}`,
      raw,
      names: /^\(?body\)?$/,
    })),
    // A field the schema does not know, including the prototype-pollution classics.
    fc
      .oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenantId', 'isAdmin'),
        fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,12}$/),
      )
      .filter((key) => !(schema.properties && key in schema.properties))
      .map((key) => {
        const body = base();
        const raw = `${JSON.stringify(body).slice(0, -1)}${Object.keys(body).length ? ',' : ''}${JSON.stringify(key)}:{"polluted":true}}`;
        return { describe: `unknown field ${key}`, raw, names: /^body/ };
      }),
  ];
  if (properties.length > 0) {
    options.push(
      fc.constantFrom(...properties).chain(([name, property]) =>
        wrongValue(property).map((value) => {
          const body = { ...base(), [name]: value };
          return {
            describe: `${name} = ${JSON.stringify(value)}`,
            raw: JSON.stringify(body),
            names: new RegExp(`^body\\.${escape(name)}(\\.|$)`),
          };
        }),
      ),
    );
  }
  const required = schema.required ?? [];
  if (required.length > 0) {
    options.push(
      fc.constantFrom(...required).map((name) => {
        const body = base();
        delete body[name];
        return {
          describe: `missing ${name}`,
          raw: JSON.stringify(body),
          names: new RegExp(`^body\\.${escape(name)}$`),
        };
      }),
    );
  }
  return fc.oneof(...options);
}

describe('bad input at every edge (property-based, over the OpenAPI request schemas)', () => {
  let t: GatewayTestApp;
  let services: FrontedServices;
  const tenantId = uniqueTenantId('fuzz');
  let key = '';
  const ids: Record<string, string> = {};
  let routes: BodyRoute[] = [];
  const queryRoutes: { doc: 'tenant' | 'admin'; path: string }[] = [];
  const failures: string[] = [];

  const open = (route: BodyRoute, url: string) => openRequest(t.app, route, url);
  const credentialFor = (doc: 'tenant' | 'admin') => (doc === 'admin' ? asOperator : bearer(key));
  const urlOf = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = ids[name];
      if (!value) throw new Error(`no id for path parameter ${name}`);
      return value;
    });

  beforeAll(async () => {
    services = await startFrontedServices([tenantId]);
    t = await startGatewayTestApp({
      ...services.env,
      RATE_LIMIT_PER_SECOND: '10000',
      RATE_LIMIT_BURST: '10000',
    });
    const http = t.app.getHttpServer();
    ({ key, keyId: ids.keyId } = await provisionTenant(t.app, tenantId));
    ids.tenantId = tenantId;
    ids.userId = (
      (
        await request(http)
          .post('/v1/users')
          .set(bearer(key))
          .send({
            email: `fuzz-${tenantId}@example.com`,
            displayName: 'F',
            role: 'agent',
            password: 'a long password',
          })
          .expect(201)
      ).body as Json
    ).id as string;
    ids.subscriptionId = (
      (
        await request(http)
          .post('/v1/webhooks')
          .set(bearer(key))
          .send({ url: 'https://example.com/fuzz', factTypes: ['*'] })
          .expect(201)
      ).body as Json
    ).id as string;
    ids.queueId = 'fuzz-queue';
    await request(http).post('/v1/queues').set(bearer(key)).send({ id: ids.queueId, name: 'F' }).expect(201);
    ids.customerId = (
      (await request(http).post('/v1/customers').set(bearer(key)).send({ displayName: 'F' }).expect(201))
        .body as Json
    ).id as string;
    // Ids for the PUT routes of the admin API (they create what they name).
    ids.did = '+15559990000';
    ids.flowId = 'fuzz-flow';
    ids.agentId = 'fuzz-agent';
    ids.skillId = 'fuzz-skill';
    ids.deliveryId = `whd_${tenantId}`;
    await t.ownerQuery(
      `INSERT INTO webhook_delivery (id, tenant_id, subscription_id, event_id, event_type, subject, payload, status)
       VALUES ($1, $2, $3, 'e1', 'telephony.call.ended', 's', '{}', 'dead')`,
      [ids.deliveryId, tenantId, ids.subscriptionId],
    );
    for (const [doc, url] of [
      ['tenant', '/v1/openapi.json'],
      ['admin', '/admin/v1/openapi.json'],
    ] as const) {
      const document = (await request(http).get(url).expect(200)).body as {
        paths: Record<string, Record<string, Json>>;
      };
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          const schema = (
            operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined
          )?.content?.['application/json']?.schema;
          if ((method === 'post' || method === 'patch' || method === 'put') && schema)
            routes.push({ doc, method, path, schema });
          const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
          if (method === 'get' && parameters.some((p) => p.in === 'query' && p.name === 'limit')) {
            queryRoutes.push({ doc, path });
          }
        }
      }
    }
    routes = routes.filter((r) => r.schema.type === 'object');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await services?.close();
  });

  it('finds the POST, PATCH and PUT routes with a body', () => {
    expect(
      routes.some((r) => r.method === 'put' && r.path === '/admin/v1/tenants/{tenantId}/dids/{did}'),
    ).toBe(true);
    expect(routes.length).toBeGreaterThanOrEqual(12);
    expect(routes.some((r) => r.path === '/v1/auth/token')).toBe(true);
  });

  it('answers wrong types, missing and unknown fields, and non-objects with 400 problem+json naming the field', async () => {
    const counts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((route) => mutations(route.schema).map((m) => ({ route, m }))),
        async ({ route, m }) => {
          const res = await open(route, urlOf(route.path))
            .set(route.path.startsWith('/v1/auth/') ? {} : credentialFor(route.doc))
            .set('Content-Type', 'application/json')
            .send(m.raw);
          const problem = res.body as Problem;
          const named = (problem.errors ?? []).some((e) => m.names.test(e.field));
          const ok =
            res.status === 400 &&
            String(res.headers['content-type']).includes('application/problem+json') &&
            named;
          counts.set(route.path, (counts.get(route.path) ?? 0) + 1);
          if (!ok) {
            failures.push(
              `${route.method.toUpperCase()} ${route.path} with ${m.describe} -> ${res.status} ${res.text.slice(0, 300)}`,
            );
          }
          return ok;
        },
      ),
      { numRuns: 300, endOnFailure: true },
    );
    // Every route was tried.
    expect([...counts.keys()].sort()).toEqual([...new Set(routes.map((r) => r.path))].sort());
  }, 120_000);

  it('never answers injection strings in any string field, path or query with a 5xx', async () => {
    const stringFields = routes.flatMap((route) =>
      Object.entries(route.schema.properties ?? {})
        .filter(([, p]) => p.type === 'string' && !p.enum)
        .map(([name]) => ({ route, name })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...stringFields),
        fc.constantFrom(...INJECTIONS),
        async ({ route, name }, text) => {
          const body = { ...(sample(route.schema) as Json), [name]: text };
          const res = await open(route, urlOf(route.path))
            .set(route.path.startsWith('/v1/auth/') ? {} : credentialFor(route.doc))
            .send(body);
          const ok =
            res.status < 500 &&
            (res.status < 400 || String(res.headers['content-type']).includes('application/problem+json'));
          if (!ok)
            failures.push(
              `${route.method.toUpperCase()} ${route.path} ${name}=${JSON.stringify(text)} -> ${res.status}`,
            );
          return ok;
        },
      ),
      { numRuns: 150, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.filter((r) => r.path.includes('{'))),
        // A URL cannot carry an unpaired surrogate at all (encodeURIComponent refuses it).
        fc.constantFrom(...URL_SAFE_INJECTIONS),
        async (route, text) => {
          // The route's last path parameter gets the injection, the others stay valid.
          const last = route.path.lastIndexOf('{');
          const url = urlOf(
            `${route.path.slice(0, last)}${encodeURIComponent(text)}${route.path.slice(route.path.indexOf('}', last) + 1)}`,
          );
          const res = await open(route, url)
            .set(credentialFor(route.doc))
            .send(sample(route.schema) as Json);
          const ok = res.status >= 400 && res.status < 500;
          if (!ok) failures.push(`${route.method.toUpperCase()} ${url} -> ${res.status}`);
          return ok;
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...queryRoutes),
        fc.oneof(
          fc.record({ limit: fc.constantFrom('abc', '-1', '0', '1e9', '2.5', ...URL_SAFE_INJECTIONS) }),
          fc.record({ cursor: fc.constantFrom('not-a-cursor', ...URL_SAFE_INJECTIONS) }),
          fc.record({ [`unknown${randomSuffix(1)}`]: fc.constant('1') }),
        ),
        async (route, query) => {
          const res = await request(t.app.getHttpServer())
            .get(urlOf(route.path))
            .query(query)
            .set(credentialFor(route.doc));
          const field = Object.keys(query)[0] ?? '';
          const ok =
            res.status === 400 &&
            ((res.body as Problem).errors ?? []).some(
              (e) => e.field === `query.${field}` || e.field === 'query',
            );
          if (!ok)
            failures.push(
              `GET ${route.path} ${JSON.stringify(query)} -> ${res.status} ${res.text.slice(0, 200)}`,
            );
          return ok;
        },
      ),
      { numRuns: 80, endOnFailure: true },
    );
  }, 120_000);

  afterEach(() => {
    // fast-check reports the shrunk counter-example; this lists every answer that broke the rule.
    expect(failures).toEqual([]);
  });
});
