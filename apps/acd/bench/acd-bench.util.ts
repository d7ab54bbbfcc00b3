import type { RoutingEngine } from '../src/modules/routing/routing.engine';

/** `--name value` pairs from the command line (numbers only), with defaults. */
export function numberArgs<T extends Record<string, number>>(defaults: T): T {
  const out: Record<string, number> = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag?.startsWith('--')) continue;
    const key = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const value = Number(argv[i + 1]);
    if (!(key in defaults) || !Number.isFinite(value)) throw new Error(`bad argument ${flag} ${argv[i + 1]}`);
    out[key] = value;
    i++;
  }
  return out as T;
}

/** One tenant, one queue, `agents` identical agents logged in ready. */
export function singleQueueSetup(agents: number) {
  return (engine: RoutingEngine): void => {
    engine.upsertTenant({ tenantId: 't1' });
    engine.upsertQueue({ tenantId: 't1', queueId: 'q', ringTimeoutMs: 0 });
    for (let i = 0; i < agents; i++) {
      engine.upsertAgent({ agentId: `a${i}`, profiles: [{ tenantId: 't1' }] });
      engine.login(`a${i}`, { ready: true });
    }
  };
}

export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
