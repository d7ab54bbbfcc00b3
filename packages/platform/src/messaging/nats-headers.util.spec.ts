import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { headers } from '@nats-io/transport-node';
import { natsHeadersGetter, natsHeadersSetter } from './nats-headers.util';

describe('NATS headers carrier', () => {
  const propagator = new W3CTraceContextPropagator();
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: false,
  };

  it('round-trips traceparent and tracestate through NATS headers', () => {
    const carrier = headers();
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    propagator.inject(ctx, carrier, natsHeadersSetter);
    expect(carrier.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');

    carrier.set('tracestate', 'vendor=abc');
    const extracted = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, natsHeadersGetter));
    expect(extracted).toMatchObject({
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      isRemote: true,
    });
    expect(extracted?.traceState?.get('vendor')).toBe('abc');
  });

  it('reads header names case-insensitively and tolerates missing headers', () => {
    const carrier = headers();
    carrier.set('TraceParent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(natsHeadersGetter.get(carrier, 'traceparent')).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
    expect(natsHeadersGetter.get(carrier, 'tracestate')).toBeUndefined();
    expect(natsHeadersGetter.get(undefined, 'traceparent')).toBeUndefined();
    expect(natsHeadersGetter.keys(undefined)).toEqual([]);
    expect(
      trace.getSpanContext(propagator.extract(ROOT_CONTEXT, undefined, natsHeadersGetter)),
    ).toBeUndefined();
  });

  it('returns every value of a repeated header', () => {
    const carrier = headers();
    carrier.append('x-multi', 'a');
    carrier.append('x-multi', 'b');
    expect(natsHeadersGetter.get(carrier, 'x-multi')).toEqual(['a', 'b']);
  });

  it('works with the global propagation API', () => {
    propagation.setGlobalPropagator(propagator);
    try {
      const carrier = headers();
      propagation.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, natsHeadersSetter);
      expect(carrier.has('traceparent')).toBe(true);
    } finally {
      propagation.disable();
    }
  });
});
