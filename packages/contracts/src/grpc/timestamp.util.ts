import type { Timestamp } from '../generated/google/protobuf/timestamp';

/** A Date (or epoch milliseconds) as a google.protobuf.Timestamp. */
export function toTimestamp(value: Date | number): Timestamp {
  const millis = typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(millis)) throw new RangeError('toTimestamp: not a finite time');
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: Math.round((millis - seconds * 1000) * 1e6) };
}

/** A google.protobuf.Timestamp as a Date (millisecond precision); undefined stays undefined. */
export function fromTimestamp(value: Timestamp): Date;
export function fromTimestamp(value: Timestamp | null | undefined): Date | undefined;
export function fromTimestamp(value: Timestamp | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(Number(value.seconds) * 1000 + Math.floor(value.nanos / 1e6));
}
