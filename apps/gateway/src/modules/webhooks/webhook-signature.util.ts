import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'cc-webhook-signature';
export const TIMESTAMP_HEADER = 'cc-webhook-timestamp';
export const DELIVERY_HEADER = 'cc-webhook-id';
export const EVENT_TYPE_HEADER = 'cc-event-type';

/** HMAC-SHA256 over `<unix seconds>.<raw body>`, hex: what receivers recompute (like Stripe's v1). */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The signature header: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

/**
 * What a receiver runs: the signature must match the raw body and the timestamp must be recent,
 * so a captured delivery cannot be replayed later.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(computeSignature(secret, t, body), 'hex'));
}

/** Delay before attempt `attempt + 1` after `attempt` failures: exponential, capped, with jitter in [0.5, 1]. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + 0.5 * random()));
}
