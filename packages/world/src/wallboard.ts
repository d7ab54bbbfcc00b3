import { AcdV1 } from '@cc/contracts';
import type { AcdClient } from './provision';
import type { WorldSpec } from './scenario';

/** One line of the wallboard: the platform's own live statistics of a queue, in scenario units. */
export interface WallboardRow {
  tenant: string;
  queue: string;
  waiting: number;
  longestWaitS: number;
  serviceLevel: number;
  asaS: number;
  abandonment: number;
  offered: number;
  agents: Partial<Record<'available' | 'ringing' | 'onCall' | 'wrapUp' | 'notReady' | 'reserved', number>>;
}

const STATE_KEYS: Partial<Record<AcdV1.AgentState, keyof WallboardRow['agents']>> = {
  [AcdV1.AgentState.AGENT_STATE_AVAILABLE]: 'available',
  [AcdV1.AgentState.AGENT_STATE_RESERVED]: 'reserved',
  [AcdV1.AgentState.AGENT_STATE_RINGING]: 'ringing',
  [AcdV1.AgentState.AGENT_STATE_ON_CALL]: 'onCall',
  [AcdV1.AgentState.AGENT_STATE_WRAP_UP]: 'wrapUp',
  [AcdV1.AgentState.AGENT_STATE_NOT_READY]: 'notReady',
};

/**
 * Reads acd's statistics (today's window) per queue. acd counts in real seconds; times are scaled back
 * to scenario seconds so the board reads like a real day's.
 */
export async function readWallboard(
  world: WorldSpec,
  acd: AcdClient,
  timeScale: number,
): Promise<WallboardRow[]> {
  const rows: WallboardRow[] = [];
  for (const tenant of world.tenants) {
    const stats = await acd.getQueueStats(
      { queueIds: [], window: AcdV1.StatsWindow.STATS_WINDOW_TODAY },
      { tenantId: tenant.id, deadlineMs: 2000 },
    );
    for (const q of tenant.queues) {
      const s = stats.queues.find((x) => x.queueId === q.id);
      if (!s) continue;
      const agents: WallboardRow['agents'] = {};
      for (const c of s.agentsByState) {
        const key = STATE_KEYS[c.state];
        if (key) agents[key] = (agents[key] ?? 0) + c.count;
      }
      rows.push({
        tenant: tenant.id,
        queue: q.id,
        waiting: s.waitingCalls,
        longestWaitS: s.longestWaitSeconds * timeScale,
        serviceLevel: s.serviceLevel,
        asaS: s.asaSeconds * timeScale,
        abandonment: s.abandonmentRate,
        offered: s.offered,
        agents,
      });
    }
  }
  return rows;
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The board as text: one line per queue, the tenant's name first. */
export function renderWallboard(rows: readonly WallboardRow[], header: string): string {
  const lines = [
    header,
    '',
    `${'tenant'.padEnd(10)} ${'queue'.padEnd(9)} ${pad('waiting', 7)} ${pad('longest', 8)} ${pad('SL 20s', 7)} ${pad('ASA', 6)} ${pad('aband.', 7)} ${pad('offered', 7)}   agents: avail ring call wrap break`,
  ];
  for (const r of rows) {
    const a = r.agents;
    lines.push(
      `${r.tenant.padEnd(10)} ${r.queue.padEnd(9)} ${pad(r.waiting, 7)} ${pad(`${Math.round(r.longestWaitS)}s`, 8)} ${pad(pct(r.serviceLevel), 7)} ${pad(`${Math.round(r.asaS)}s`, 6)} ${pad(pct(r.abandonment), 7)} ${pad(r.offered, 7)}   ${pad(a.available ?? 0, 12)} ${pad((a.ringing ?? 0) + (a.reserved ?? 0), 4)} ${pad(a.onCall ?? 0, 4)} ${pad(a.wrapUp ?? 0, 4)} ${pad(a.notReady ?? 0, 5)}`,
    );
  }
  return lines.join('\n');
}
