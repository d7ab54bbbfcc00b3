import { AgentStateChanged, CallAssigned, EnvelopeValidationError, createEnvelope } from '@cc/contracts';
import { PoisonMessageError } from './consumer-error.util';
import { EventRouter, decodeBody, onEvent, type MessageContext } from './event-router.util';

const context: MessageContext = {
  subject: 'cc.t_acme.acd.agent.state_changed',
  consumer: 'c',
  stream: 'CC_ACD',
  streamSequence: 1,
  deliveryCount: 1,
  redelivered: false,
};

describe('EventRouter', () => {
  const stateChanged = createEnvelope(AgentStateChanged, 't_acme', {
    agentId: 'a1',
    from: 'available',
    to: 'on_call',
    durationMs: 10,
  });

  it('dispatches by type to the handler of that definition, with the typed payload', async () => {
    const seen: string[] = [];
    const router = new EventRouter([
      onEvent(AgentStateChanged, (envelope) =>
        Promise.resolve(void seen.push(`state:${envelope.payload.to}`)),
      ),
      onEvent(CallAssigned, (envelope) =>
        Promise.resolve(void seen.push(`assigned:${envelope.payload.agentId}`)),
      ),
    ]);
    const routed = router.route(JSON.parse(JSON.stringify(stateChanged)), context.subject);
    expect(routed.kind).toBe('handle');
    if (routed.kind === 'handle') await routed.run(context);
    expect(seen).toEqual(['state:on_call']);
    expect(router.types).toEqual(['acd.agent.state_changed', 'acd.call.assigned']);
  });

  it('ignores valid facts it has no handler for', () => {
    const router = new EventRouter([onEvent(CallAssigned, () => Promise.resolve())]);
    expect(router.route(stateChanged, context.subject)).toMatchObject({
      kind: 'ignored',
      envelope: { id: stateChanged.id },
    });
  });

  it('throws EnvelopeValidationError on a malformed envelope or payload', () => {
    const router = new EventRouter([onEvent(AgentStateChanged, () => Promise.resolve())]);
    expect(() => router.route({ hello: 'world' }, context.subject)).toThrow(EnvelopeValidationError);
    expect(() => router.route({ ...stateChanged, payload: { agentId: 'a1' } }, context.subject)).toThrow(
      /payload/,
    );
    expect(() => router.route({ ...stateChanged, schemaVersion: 2 }, context.subject)).toThrow(/newer/);
  });

  it('refuses an envelope whose tenant differs from the subject tenant', () => {
    const router = new EventRouter([onEvent(AgentStateChanged, () => Promise.resolve())]);
    expect(() => router.route(stateChanged, 'cc.t_other.acd.agent.state_changed')).toThrow(
      PoisonMessageError,
    );
  });

  it('refuses two handlers for one type', () => {
    expect(
      () =>
        new EventRouter([
          onEvent(CallAssigned, () => Promise.resolve()),
          onEvent(CallAssigned, () => Promise.resolve()),
        ]),
    ).toThrow(/two handlers/);
  });
});

describe('decodeBody', () => {
  it('parses UTF-8 JSON and turns anything else into poison', () => {
    expect(decodeBody(new TextEncoder().encode('{"a":1}'))).toEqual({ a: 1 });
    expect(() => decodeBody(new TextEncoder().encode('{nope'))).toThrow(PoisonMessageError);
    expect(() => decodeBody(new Uint8Array([0xff, 0xfe]))).toThrow(PoisonMessageError);
  });
});
