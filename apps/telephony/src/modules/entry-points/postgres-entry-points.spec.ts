import type { EntryPointTarget } from './entry-point.types';
import { DEFAULT_TENANT_SETTINGS } from './entry-point.types';
import { PostgresEntryPoints } from './postgres-entry-points';

function target(flowId: string): EntryPointTarget {
  return {
    tenantId: 't1',
    did: '5551000',
    flowId,
    flow: { start: 'h', steps: { h: { type: 'hangup' } } },
    settings: DEFAULT_TENANT_SETTINGS,
  };
}

describe('PostgresEntryPoints', () => {
  function setup() {
    let now = 0;
    let flowId = 'a';
    const repository = {
      findEntryPoint: jest.fn((did: string) =>
        Promise.resolve(did === '5551000' ? target(flowId) : undefined),
      ),
      findSettings: jest.fn(() => Promise.resolve(DEFAULT_TENANT_SETTINGS)),
    };
    const lookup = new PostgresEntryPoints(repository, { now: () => now }, 1000);
    return {
      lookup,
      repository,
      advance: (ms: number) => (now += ms),
      setFlow: (f: string) => (flowId = f),
    };
  }

  it('asks the database once per DID while the entry is fresh, then again', async () => {
    const { lookup, repository, advance } = setup();
    await Promise.all([lookup.findByDid('5551000'), lookup.findByDid('5551000')]);
    await lookup.findByDid('5551000');
    expect(repository.findEntryPoint).toHaveBeenCalledTimes(1);
    advance(1001);
    await lookup.findByDid('5551000');
    expect(repository.findEntryPoint).toHaveBeenCalledTimes(2);
  });

  it('sees a change at once after invalidation', async () => {
    const { lookup, setFlow } = setup();
    expect((await lookup.findByDid('5551000'))?.flowId).toBe('a');
    setFlow('b');
    expect((await lookup.findByDid('5551000'))?.flowId).toBe('a');
    lookup.invalidate();
    expect((await lookup.findByDid('5551000'))?.flowId).toBe('b');
  });

  it('does not keep a failed load', async () => {
    const { lookup, repository } = setup();
    repository.findEntryPoint.mockRejectedValueOnce(new Error('db down'));
    await expect(lookup.findByDid('5551000')).rejects.toThrow('db down');
    expect((await lookup.findByDid('5551000'))?.flowId).toBe('a');
  });
});
