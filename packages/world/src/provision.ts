import { AcdV1 } from '@cc/contracts';
import { createGrpcClient, type GrpcClient } from '@cc/platform';
import { inBatches, requestJson, withRetry } from './http';
import type { Random } from './random';
import type { QueueSpec, TenantSpec, WorldSpec } from './scenario';

export type AcdClient = GrpcClient<typeof AcdV1.AcdServiceService>;

export function acdClient(address: string): AcdClient {
  return createGrpcClient(AcdV1.AcdServiceService, { address, defaultDeadlineMs: 5000, actor: 'world' });
}

export interface ProvisionTargets {
  acd: AcdClient;
  telephonyUrl: string;
  crmUrl?: string;
  gateway?: { url: string; operatorToken: string };
  /** acd's statistics run in real seconds: the service-level threshold is divided by the time scale. */
  timeScale: number;
}

export interface ProvisionedTenant {
  id: string;
  name: string;
  apiKey?: string;
  /** Phone numbers of the seeded customers, the most valuable first. */
  customerNumbers: string[];
}

/** A customer's number: valid North American numbers in the fictional 555-01xx..555-9999 range of the tenant's area. */
export function customerNumber(tenantIndex: number, i: number): string {
  const area = ['212', '312', '213', '415', '617', '305'][tenantIndex % 6] ?? '212';
  return `+1${area}555${String(1000 + i).padStart(4, '0')}`;
}

function tenantHeaders(tenantId: string): Record<string, string> {
  return { 'x-tenant-id': tenantId };
}

/** Seconds of scenario time as whole seconds of real time for acd and telephony (at least 1 where 0 means "off"). */
function realSeconds(scenarioS: number, timeScale: number, min = 0): number {
  return Math.max(min, Math.round(scenarioS / timeScale));
}

function ivrFlow(tenant: TenantSpec): unknown {
  const steps: Record<string, unknown> = {};
  for (const q of tenant.queues) {
    steps[`set-${q.id}`] = {
      type: 'set',
      skills: [{ skillId: q.skillId, minLevel: 1 }],
      priority: q.priority,
      next: `queue-${q.id}`,
    };
    steps[`queue-${q.id}`] = { type: 'queue', queueId: q.id, announceEverySeconds: 0 };
  }
  const menuQueues = tenant.queues.filter((q): q is QueueSpec & { digit: string } => q.digit !== undefined);
  const first = tenant.queues[0];
  if (!first) throw new Error(`tenant ${tenant.id} has no queue`);
  if (menuQueues.length === 0) return { start: `set-${first.id}`, steps };
  steps['menu'] = {
    type: 'menu',
    prompt: [`sound:welcome-${tenant.id}`, ...menuQueues.map((q) => `sound:press-${q.digit}-for-${q.id}`)],
    options: Object.fromEntries(menuQueues.map((q) => [q.digit, `set-${q.id}`])),
    timeoutMs: 5000,
    retries: 1,
    invalidPrompt: ['sound:option-is-invalid'],
    onFailure: `set-${first.id}`,
  };
  return { start: 'menu', steps };
}

async function provisionAcd(world: WorldSpec, targets: ProvisionTargets): Promise<void> {
  const { acd, timeScale } = targets;
  for (const tenant of world.tenants) {
    const opts = { tenantId: tenant.id };
    await acd.upsertTenantSettings({ timeZone: tenant.timeZone, weight: 1, holidays: [] }, opts);
    for (const q of tenant.queues) await acd.upsertSkill({ skillId: q.skillId, name: q.skillId }, opts);
    for (const q of tenant.queues) {
      await acd.upsertQueue(
        {
          queue: {
            queueId: q.id,
            name: q.name,
            requiredSkills: [{ skillId: q.skillId, minLevel: 1 }],
            membersOnly: false,
            priority: q.priority,
            serviceLevelTarget: q.serviceLevelTarget,
            serviceLevelThresholdSeconds: realSeconds(q.serviceLevelThresholdS, timeScale, 1),
            ringTimeoutSeconds: 20,
            wrapUpSeconds: realSeconds(q.wrapUpS, timeScale),
            maxWaitSeconds: 0,
            overflow: [],
            agentSelection: AcdV1.AgentSelection.AGENT_SELECTION_LONGEST_IDLE,
            openingHours: [],
          },
        },
        opts,
      );
    }
  }
  await inBatches(world.agents, 10, async (agent) => {
    await acd.upsertAgent({
      agentId: agent.id,
      displayName: agent.name,
      endpoint: agent.endpoint,
      qualityScore: 50,
    });
    for (const profile of agent.profiles) {
      await acd.setAgentProfile(
        { agentId: agent.id, skills: profile.skills, queueIds: [], remove: false },
        { tenantId: profile.tenantId },
      );
    }
  });
}

async function provisionTelephony(world: WorldSpec, targets: ProvisionTargets): Promise<void> {
  for (const tenant of world.tenants) {
    const headers = tenantHeaders(tenant.id);
    await requestJson('PUT', `${targets.telephonyUrl}/v1/telephony-settings`, {
      headers,
      body: {
        timeZone: tenant.timeZone,
        holidays: [],
        recordCalls: tenant.id === 'northbank',
        announceEverySeconds: 0,
      },
    });
    const flowId = `${tenant.id}-main`;
    const current = await requestJson<{ version?: number }>(
      'GET',
      `${targets.telephonyUrl}/v1/ivr-flows/${flowId}`,
      {
        headers,
        ok: [404],
      },
    );
    await requestJson('PUT', `${targets.telephonyUrl}/v1/ivr-flows/${flowId}`, {
      headers,
      body: {
        name: `${tenant.name}: main menu`,
        definition: ivrFlow(tenant),
        ...(current.status === 200 && typeof current.body.version === 'number'
          ? { expectedVersion: current.body.version }
          : {}),
      },
    });
    await requestJson('PUT', `${targets.telephonyUrl}/v1/dids/${encodeURIComponent(tenant.did)}`, {
      headers,
      body: { flowId, label: tenant.name },
    });
  }
}

/** Customers with lifetime values (lognormal: a few are worth much more), then value tiers. */
async function provisionCrm(
  world: WorldSpec,
  crmUrl: string,
  random: Random,
): Promise<Map<string, string[]>> {
  const numbers = new Map<string, string[]>();
  for (const [t, tenant] of world.tenants.entries()) {
    const all = Array.from({ length: tenant.customers }, (_, i) => customerNumber(t, i));
    numbers.set(tenant.id, all);
    if (tenant.customers === 0) continue;
    const headers = tenantHeaders(tenant.id);
    const existing = await requestJson<{ items?: unknown[] }>('GET', `${crmUrl}/v1/customers?limit=1`, {
      headers,
    });
    if ((existing.body.items?.length ?? 0) > 0) continue; // seeded by an earlier run
    const settings = await requestJson<{ currency?: string }>('GET', `${crmUrl}/v1/settings`, { headers });
    const currency = settings.body.currency ?? 'USD';
    const values = all.map(() => Math.round(random.lognormal(120_000, 2)));
    // Each revenue record re-ranks the tenant's tiers in crm: a few at a time.
    await inBatches(all, 4, async (number, i) => {
      const created = await requestJson<{ id: string }>('POST', `${crmUrl}/v1/customers`, {
        headers,
        body: {
          firstName: `Customer`,
          lastName: `${tenant.id}-${i}`,
          phoneNumbers: [{ number, kind: 'mobile' }],
          emails: [],
          addresses: [],
          tags: [],
          customFields: {},
          consent: { recording: true, marketing: false },
        },
      });
      await withRetry(() =>
        requestJson('POST', `${crmUrl}/v1/customers/${created.body.id}/revenue`, {
          headers,
          body: { amountMinor: values[i] ?? 0, currency, source: 'demo', externalRef: `demo-${i}` },
        }),
      );
    });
    await requestJson('POST', `${crmUrl}/v1/value-tiers/recompute`, { headers, ok: [202] });
  }
  return numbers;
}

/** The scopes a tenant key may have, read from the gateway's own OpenAPI document (so new ones count). */
async function tenantScopes(gatewayUrl: string): Promise<string[]> {
  const doc = await requestJson<unknown>('GET', `${gatewayUrl}/admin/v1/openapi.json`);
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const scopes = (o['properties'] as Record<string, unknown> | undefined)?.['scopes'] as
      { items?: { enum?: unknown[] } } | undefined;
    for (const s of scopes?.items?.enum ?? []) if (typeof s === 'string') found.add(s);
    Object.values(o).forEach(visit);
  };
  visit(doc.body);
  return [...found];
}

async function provisionGateway(
  world: WorldSpec,
  gateway: { url: string; operatorToken: string },
): Promise<Map<string, string>> {
  const headers = { authorization: `Bearer ${gateway.operatorToken}` };
  const scopes = await tenantScopes(gateway.url);
  const keys = new Map<string, string>();
  for (const tenant of world.tenants) {
    await requestJson('POST', `${gateway.url}/admin/v1/tenants`, {
      headers,
      body: { id: tenant.id, name: tenant.name },
      ok: [409],
    });
    const key = await requestJson<{ key: string }>(
      'POST',
      `${gateway.url}/admin/v1/tenants/${tenant.id}/api-keys`,
      {
        headers,
        body: { name: `demo ${new Date().toISOString()}`, scopes },
      },
    );
    keys.set(tenant.id, key.body.key);
  }
  return keys;
}

/** Sets the world up through the platform's own APIs: gateway (tenants, keys), acd, telephony, crm. */
export async function provisionWorld(
  world: WorldSpec,
  targets: ProvisionTargets,
  random: Random,
): Promise<ProvisionedTenant[]> {
  const keys = targets.gateway ? await provisionGateway(world, targets.gateway) : new Map<string, string>();
  await provisionAcd(world, targets);
  await provisionTelephony(world, targets);
  const numbers = targets.crmUrl
    ? await provisionCrm(world, targets.crmUrl, random)
    : new Map<string, string[]>();
  return world.tenants.map((t) => {
    const apiKey = keys.get(t.id);
    return {
      id: t.id,
      name: t.name,
      ...(apiKey ? { apiKey } : {}),
      customerNumbers: numbers.get(t.id) ?? [],
    };
  });
}
