/** One dependency the service needs to serve traffic (Postgres, NATS, ARI...). */
export interface ReadinessCheck {
  /** Key in the health report, e.g. `postgres`. */
  readonly name: string;
  /** Resolves with details when healthy; rejects (or resolves `up: false`) when not. Must be quick. */
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

/** Injection token of the list of readiness checks a service registers. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Races a check against a timeout so a hung dependency reads as down, not as a hung probe. */
export async function runCheck(
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<{ up: boolean; details?: Record<string, unknown> }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ up: boolean; details: Record<string, unknown> }>((resolve) => {
    timer = setTimeout(
      () => resolve({ up: false, details: { error: `no answer within ${timeoutMs} ms` } }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([check.check(), timeout]);
  } catch (error) {
    return { up: false, details: { error: error instanceof Error ? error.message : String(error) } };
  } finally {
    clearTimeout(timer);
  }
}
