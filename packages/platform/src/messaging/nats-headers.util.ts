import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { Match, type MsgHdrs } from '@nats-io/transport-node';

/**
 * OpenTelemetry carrier for NATS headers: no NATS instrumentation exists, so `propagation.inject`
 * and `propagation.extract` write and read `traceparent` / `tracestate` through these.
 */
export const natsHeadersSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

export const natsHeadersGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys(carrier) {
    return carrier ? carrier.keys() : [];
  },
  get(carrier, key) {
    if (!carrier || !carrier.has(key, Match.IgnoreCase)) return undefined;
    const values = carrier.values(key, Match.IgnoreCase);
    return values.length === 1 ? values[0] : values;
  },
};
