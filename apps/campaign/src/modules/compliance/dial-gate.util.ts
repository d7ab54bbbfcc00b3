import { type CallingRestrictions, checkCallingWindow } from './calling-window.util';

export type DialRefusal =
  | 'do_not_call'
  | 'no_caller_id'
  | 'unknown_zone'
  | 'outside_hours'
  | 'weekday'
  | 'holiday'
  | 'attempts_exhausted';

export interface DialRequest {
  /** The callee, E.164. */
  readonly destination: string;
  /** E.164 number presented to the callee; a dial without one is never placed. */
  readonly callerId: string | null | undefined;
  /** Every zone the callee may be in (resolveCalleeZones). */
  readonly calleeZones: readonly string[];
  /** crm's answer at dial time: the number is on the tenant's or the operator's do-not-call list. */
  readonly doNotCall: boolean;
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  readonly restrictions?: CallingRestrictions;
}

export type DialVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: DialRefusal };

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The last word before a dial: every legal condition, none of them configurable away. The order puts
 * do-not-call first so it is reported as such even when the hour is wrong too.
 */
export function gateDial(request: DialRequest, at: Date): DialVerdict {
  if (request.doNotCall) return { allowed: false, reason: 'do_not_call' };
  if (!request.callerId || !E164.test(request.callerId)) return { allowed: false, reason: 'no_caller_id' };
  if (request.attemptsMade >= request.maxAttempts) return { allowed: false, reason: 'attempts_exhausted' };
  const window = checkCallingWindow(request.calleeZones, at, request.restrictions);
  if (!window.allowed) return { allowed: false, reason: window.reason };
  return { allowed: true };
}
