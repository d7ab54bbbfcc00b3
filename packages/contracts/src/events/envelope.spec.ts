import { CallEnded, CallQueued } from './telephony.events';
import {
  createEnvelope,
  EnvelopeValidationError,
  parseAnyEnvelope,
  parseEnvelope,
  subjectOf,
} from './envelope';
import { factSubject, parseFactSubject, subjectFilters } from './subjects';

const queued = {
  callId: 'c-1',
  direction: 'inbound' as const,
  queueId: 'sales',
  priority: 5,
  skills: [{ skill: 'english', minLevel: 3 }],
};

describe('event envelopes', () => {
  it('wraps a valid payload with id, type, tenant, time and schema version', () => {
    const env = createEnvelope(CallQueued, 't_acme', queued, {
      occurredAt: new Date('2026-11-23T10:00:00Z'),
    });
    expect(env).toMatchObject({
      type: 'telephony.call.queued',
      tenantId: 't_acme',
      occurredAt: '2026-11-23T10:00:00.000Z',
      schemaVersion: 1,
      payload: queued,
    });
    expect(env.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(subjectOf(CallQueued, 't_acme')).toBe('cc.t_acme.telephony.call.queued');
  });

  it('refuses a bad payload before it reaches the wire, naming the field', () => {
    expect(() => createEnvelope(CallQueued, 't_acme', { ...queued, priority: 500 })).toThrow(
      EnvelopeValidationError,
    );
    try {
      createEnvelope(CallQueued, 't_acme', { ...queued, skills: [{ skill: 'english', minLevel: 0 }] });
    } catch (e) {
      expect((e as EnvelopeValidationError).violations[0]).toMatchObject({
        field: 'payload.skills.0.minLevel',
      });
    }
  });

  it('refuses a tenant id that would break the subject tree', () => {
    expect(() => createEnvelope(CallQueued, 't.acme', queued)).toThrow(/tenantId/);
    expect(() =>
      factSubject({ tenantId: 'acme>', domain: 'telephony', entity: 'call', verb: 'queued' }),
    ).toThrow();
  });

  it('parses what it published and rejects the wrong type, a newer version or a broken payload', () => {
    const env = JSON.parse(JSON.stringify(createEnvelope(CallQueued, 't_acme', queued))) as unknown;
    expect(parseEnvelope(CallQueued, env).payload.queueId).toBe('sales');
    expect(parseAnyEnvelope(env).type).toBe('telephony.call.queued');
    expect(() => parseEnvelope(CallEnded, env)).toThrow(/expected telephony.call.ended/);
    expect(() => parseEnvelope(CallQueued, { ...(env as object), schemaVersion: 2 })).toThrow(/newer/);
    expect(() => parseEnvelope(CallQueued, { ...(env as object), payload: { callId: 'x' } })).toThrow(
      /payload.direction/,
    );
    expect(() => parseAnyEnvelope('not json')).toThrow(EnvelopeValidationError);
  });
});

describe('subjects', () => {
  it('round-trips and builds filters', () => {
    const s = factSubject({ tenantId: 't_acme', domain: 'acd', entity: 'agent', verb: 'state_changed' });
    expect(s).toBe('cc.t_acme.acd.agent.state_changed');
    expect(parseFactSubject(s)).toEqual({
      tenantId: 't_acme',
      domain: 'acd',
      entity: 'agent',
      verb: 'state_changed',
    });
    expect(parseFactSubject('cc.t_acme.acd.agent')).toBeUndefined();
    expect(parseFactSubject('xx.t_acme.acd.agent.x')).toBeUndefined();
    expect(subjectFilters.domain('telephony')).toBe('cc.*.telephony.>');
    expect(subjectFilters.tenant('t_acme')).toBe('cc.t_acme.>');
  });
});
