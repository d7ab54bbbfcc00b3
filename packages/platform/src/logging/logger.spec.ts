import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Writable } from 'node:stream';
import { TenantContext } from '../tenancy/tenant-context';
import { createLogger } from './logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  it('writes trace and tenant ids on every line and redacts secrets', () => {
    const out = capture();
    const logger = createLogger({ service: 'acd', destination: out.stream });
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    TenantContext.run({ tenantId: 't_acme', actor: 'svc' }, () =>
      context.with(trace.setSpanContext(context.active(), spanContext), () =>
        logger.info({ user: { password: 'hunter2' } }, 'hello'),
      ),
    );
    logger.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({
      service: 'acd',
      level: 'info',
      msg: 'hello',
      tenantId: 't_acme',
      actor: 'svc',
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      user: { password: '[redacted]' },
    });
    expect(outside).not.toHaveProperty('tenantId');
    expect(outside).not.toHaveProperty('traceId');
  });
});
