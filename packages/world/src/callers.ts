import { poissonArrivals, rateAt, TYPICAL_DAY_SHAPE } from './arrivals';
import { requestJson } from './http';
import type { CallPlan } from './kpi';
import type { Random } from './random';
import type { QueueSpec, TenantSpec, WorldSpec } from './scenario';

/** One caller as drawn: when, which queue, who, how patient, how long they will talk. */
export interface DrawnCaller extends CallPlan {
  atS: number;
  from: string;
  did: string;
  digit?: string;
  /** Scenario seconds of patience once queued; undefined: waits forever. */
  patienceS?: number;
  talkS: number;
}

function talkTime(random: Random, q: QueueSpec): number {
  return q.talkDistribution === 'exponential'
    ? random.exponential(q.talkMeanS)
    : random.lognormal(q.talkMeanS, q.talkCv);
}

function callerNumber(random: Random, tenant: TenantSpec, known: readonly string[]): string {
  if (known.length > 0 && random.uniform() < tenant.knownCallerShare) return random.pick(known);
  return `+1646${String(2_000_000 + Math.floor(random.uniform() * 7_999_999)).padStart(7, '0')}`;
}

/** The callers of one tenant in [fromS, toS) (scenario seconds since the start), in arrival order. */
export function drawCallers(
  random: Random,
  world: WorldSpec,
  tenant: TenantSpec,
  knownNumbers: readonly string[],
  fromS: number,
  toS: number,
): DrawnCaller[] {
  const shape = TYPICAL_DAY_SHAPE;
  const startHour = world.startHour;
  const rate =
    startHour === null
      ? () => tenant.busyHourRate
      : (t: number) => rateAt(tenant.busyHourRate, shape, startHour * 3600 + t);
  const shares = tenant.queues.map((q) => q.share);
  return poissonArrivals(random, fromS, toS, tenant.busyHourRate, rate).map((atS) => {
    const q = tenant.queues[random.weighted(shares)] as QueueSpec;
    const patienceS = q.patienceMeanS === undefined ? undefined : random.exponential(q.patienceMeanS);
    return {
      atS,
      tenantId: tenant.id,
      queueId: q.id,
      menuKeyAfterS: q.digit === undefined ? 0 : tenant.menuKeyAfterS,
      from: callerNumber(random, tenant, knownNumbers),
      did: tenant.did,
      ...(q.digit !== undefined ? { digit: q.digit } : {}),
      ...(patienceS !== undefined ? { patienceS } : {}),
      talkS: talkTime(random, q),
    };
  });
}

/** The simulator's inbound-call request for a drawn caller (scenario milliseconds). */
export function inboundCallRequest(c: DrawnCaller): Record<string, unknown> {
  const keyMs = Math.round(c.menuKeyAfterS * 1000);
  return {
    from: c.from,
    to: c.did,
    ...(c.digit !== undefined ? { dtmf: [{ afterMs: keyMs, digits: c.digit }] } : {}),
    // Patience counts in the queue: the menu time comes first.
    ...(c.patienceS !== undefined ? { patienceMs: keyMs + Math.round(c.patienceS * 1000) } : {}),
    talkAfterConnectMs: Math.round(c.talkS * 1000),
  };
}

/**
 * Places the callers through the simulator's control API at their moments (scenario time runs
 * `timeScale` times faster than the wall clock), in windows of `windowS` drawn ahead of time.
 */
export class CallerDriver {
  readonly placed = new Map<string, DrawnCaller>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private startedAt = 0;
  private drawnUntilS = 0;
  private refill: NodeJS.Timeout | undefined;
  private stopped = false;
  refused = 0;

  constructor(
    private readonly simUrl: string,
    private readonly world: WorldSpec,
    private readonly knownNumbers: ReadonlyMap<string, readonly string[]>,
    private readonly random: Random,
    private readonly timeScale: number,
    private readonly windowS = 600,
    private readonly untilS = Infinity,
  ) {}

  /** Scenario seconds since start(). */
  nowS(): number {
    return ((performance.now() - this.startedAt) * this.timeScale) / 1000;
  }

  start(): void {
    this.startedAt = performance.now();
    this.drawWindow();
  }

  private drawWindow(): void {
    if (this.stopped || this.drawnUntilS >= this.untilS) return;
    const from = this.drawnUntilS;
    const to = Math.min(this.untilS, from + this.windowS);
    this.drawnUntilS = to;
    for (const tenant of this.world.tenants) {
      for (const caller of drawCallers(
        this.random,
        this.world,
        tenant,
        this.knownNumbers.get(tenant.id) ?? [],
        from,
        to,
      )) {
        const timer = setTimeout(
          () => {
            this.timers.delete(timer);
            void this.place(caller);
          },
          Math.max(0, (caller.atS * 1000) / this.timeScale - (performance.now() - this.startedAt)),
        );
        this.timers.add(timer);
      }
    }
    // Draw the next window half-way through this one.
    const nextInMs = Math.max(
      0,
      (((from + to) / 2) * 1000) / this.timeScale - (performance.now() - this.startedAt),
    );
    this.refill = setTimeout(() => this.drawWindow(), nextInMs);
  }

  private async place(caller: DrawnCaller): Promise<void> {
    if (this.stopped) return;
    try {
      const res = await requestJson<{ channelId: string }>('POST', `${this.simUrl}/sim/v1/inbound-calls`, {
        body: inboundCallRequest(caller),
      });
      this.placed.set(res.body.channelId, caller);
    } catch {
      this.refused++;
    }
  }

  /** No new callers; those already in the system carry on. */
  stop(): void {
    this.stopped = true;
    if (this.refill) clearTimeout(this.refill);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
