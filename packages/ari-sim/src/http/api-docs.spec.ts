import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../domain/clock';
import { AsteriskWorld } from '../domain/world';
import { apiDeclaration, EVENT_MODELS, resourceListing } from './api-docs';
import { buildAriRoutes } from './ari-routes';

describe('api-docs', () => {
  const routes = buildAriRoutes(new AsteriskWorld({ clock: new ManualClock() }));

  it('lists one document per resource and each document renders its operations', () => {
    const listing = resourceListing(routes, 'http://h/ari') as { apis: { path: string }[] };
    const names = listing.apis.map((a) => /\/api-docs\/(\w+)\./.exec(a.path)?.[1] ?? '');
    expect(names).toEqual([
      'asterisk',
      'endpoints',
      'channels',
      'bridges',
      'playbacks',
      'recordings',
      'sounds',
      'applications',
      'events',
    ]);
    for (const name of names) {
      const doc = apiDeclaration(routes, name, 'http://h/ari') as {
        apis: { operations: { nickname: string }[] }[];
        models: object;
      };
      expect(doc.apis.length).toBeGreaterThan(0);
      expect(Object.keys(doc.models).length).toBeGreaterThan(0);
    }
    const channels = apiDeclaration(routes, 'channels', 'x') as {
      apis: { operations: { nickname: string }[] }[];
    };
    const nicknames = channels.apis.flatMap((a) => a.operations.map((o) => o.nickname));
    expect(nicknames).toEqual(
      expect.arrayContaining([
        'originate',
        'answer',
        'hangup',
        'play',
        'snoopChannel',
        'record',
        'continueInDialplan',
      ]),
    );
  });

  it('describes every event type the world emits (ari-client crashes on an event without a model)', () => {
    const source =
      readFileSync(join(__dirname, '../domain/world.ts'), 'utf8') +
      readFileSync(join(__dirname, '../domain/event-bus.ts'), 'utf8');
    const emitted = new Set<string>();
    for (const m of source.matchAll(/(?:type: |emitChannel\(|emitPlayback\()'([A-Z][A-Za-z]+)'/g))
      emitted.add(m[1] ?? '');
    for (const m of source.matchAll(/const type = state === 'done' \? '(\w+)' : '(\w+)'/g)) {
      emitted.add(m[1] ?? '');
      emitted.add(m[2] ?? '');
    }
    expect(emitted.size).toBeGreaterThan(15);
    expect([...emitted].filter((t) => !(t in EVENT_MODELS))).toEqual([]);
  });
});
