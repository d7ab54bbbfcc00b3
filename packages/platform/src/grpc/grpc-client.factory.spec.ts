import { resolveDeadline } from './grpc-client.factory';

describe('resolveDeadline', () => {
  const now = 1_000_000;

  it('uses the client default when the call sets none', () => {
    expect(resolveDeadline(now, 250)).toBe(now + 250);
  });

  it('lets a call override the default, relative or absolute', () => {
    expect(resolveDeadline(now, 250, { deadlineMs: 40 })).toBe(now + 40);
    expect(resolveDeadline(now, 250, { deadline: new Date(now + 5_000) })).toBe(now + 5_000);
  });

  it('never outlives the incoming call it serves', () => {
    expect(resolveDeadline(now, 250, {}, now + 100)).toBe(now + 100);
    expect(resolveDeadline(now, 250, { deadlineMs: 50 }, now + 100)).toBe(now + 50);
  });

  it('refuses a call without a usable deadline', () => {
    expect(() => resolveDeadline(now, 250, { deadlineMs: 0 })).toThrow(/positive/);
    expect(() => resolveDeadline(now, Number.NaN)).toThrow(/positive/);
    expect(() => resolveDeadline(now, 250, { deadlineMs: Number.POSITIVE_INFINITY })).toThrow(/positive/);
  });
});
