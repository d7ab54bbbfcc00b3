export { startAriSim, type AriSim, type AriSimOptions } from './http/ari-sim.server';
export { ManualClock, ScaledClock, asteriskTimestamp, type Clock } from './domain/clock';
export { AsteriskWorld, parseCallerId, CAUSE_TEXT } from './domain/world';
export { EventBus } from './domain/event-bus';
export { AriError } from './domain/ari-error';
export { defaultDialplan, type Dialplan, type DialplanStep } from './domain/dialplan';
export { wavFile, wavDurationMs } from './domain/wav.util';
export type * from './domain/world.types';
export type * from './domain/ari-model.type';
