import {
  deadLetterStream,
  domainStream,
  validateConsumerDefinition,
  type ConsumerDefinition,
} from './stream-definition.type';
import { toConsumerConfig, toStreamConfig } from './stream-setup.util';

describe('stream and consumer definitions', () => {
  it('names a domain stream with contracts and covers every tenant by default', () => {
    expect(domainStream('telephony')).toMatchObject({
      name: 'CC_TELEPHONY',
      subjects: ['cc.*.telephony.>'],
      duplicateWindowMs: 120_000,
      replicas: 1,
    });
    expect(deadLetterStream({ replicas: 3 })).toMatchObject({
      name: 'CC_DLQ',
      subjects: ['dlq.cc.>'],
      replicas: 3,
    });
  });

  it('isolates test streams by name prefix and tenant subjects, keeping the cc. convention', () => {
    expect(domainStream('acd', { prefix: 'T1_', tenants: ['t_a', 't_b'] })).toMatchObject({
      name: 'T1_CC_ACD',
      subjects: ['cc.t_a.acd.>', 'cc.t_b.acd.>'],
    });
    expect(deadLetterStream({ prefix: 'T1_', tenants: ['t_a'] }).subjects).toEqual(['dlq.cc.t_a.>']);
    expect(() => domainStream('acd', { tenants: ['bad.tenant'] })).toThrow(/not a valid tenant id/);
  });

  it('keeps the duplicate window within the max age (the server refuses otherwise)', () => {
    expect(domainStream('acd', { maxAgeMs: 60_000 }).duplicateWindowMs).toBe(60_000);
    expect(deadLetterStream({ maxAgeMs: 1_000, duplicateWindowMs: 500 }).duplicateWindowMs).toBe(500);
  });

  it('converts durations to the nanoseconds the server wants', () => {
    const config = toStreamConfig(domainStream('telephony', { maxAgeMs: 60_000, duplicateWindowMs: 2_000 }));
    expect(config).toMatchObject({
      max_age: 60_000_000_000,
      duplicate_window: 2_000_000_000,
      num_replicas: 1,
    });
  });

  const consumer: ConsumerDefinition = {
    stream: 'CC_TELEPHONY',
    durableName: 'crm_calls',
    filterSubjects: ['cc.*.telephony.call.ended'],
    ackWaitMs: 30_000,
    maxDeliver: 5,
    backoffMs: [1_000, 10_000],
    deadLetterStream: 'CC_DLQ',
  };

  it('builds an explicit-ack durable consumer config', () => {
    expect(toConsumerConfig(consumer)).toMatchObject({
      durable_name: 'crm_calls',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: 'cc.*.telephony.call.ended',
      ack_wait: 30_000_000_000,
      max_deliver: 5,
      backoff: [1_000_000_000, 10_000_000_000],
    });
    expect(toConsumerConfig({ ...consumer, filterSubjects: ['a.>', 'b.>'] })).toMatchObject({
      filter_subjects: ['a.>', 'b.>'],
    });
  });

  it('refuses definitions the server would refuse', () => {
    expect(() => validateConsumerDefinition({ ...consumer, durableName: 'crm.calls' })).toThrow(
      /durable name/,
    );
    expect(() => validateConsumerDefinition({ ...consumer, filterSubjects: [] })).toThrow(/filter subject/);
    expect(() => validateConsumerDefinition({ ...consumer, maxDeliver: 2 })).toThrow(/must exceed/);
    expect(() => validateConsumerDefinition({ ...consumer, maxDeliver: 0, backoffMs: [] })).toThrow(/>= 1/);
  });
});
