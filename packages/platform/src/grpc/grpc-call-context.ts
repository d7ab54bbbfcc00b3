import { AsyncLocalStorage } from 'node:async_hooks';

/** The incoming gRPC call a handler serves: its deadline (so that outgoing calls never outlive it) and a signal. */
export interface GrpcCallContextValue {
  /** The full method path, e.g. `/callcenter.acd.v1.AcdService/EnqueueCall`. */
  method: string;
  /** Epoch milliseconds; undefined when the caller set no deadline. */
  deadline: number | undefined;
  /** Aborted when the caller cancels or its deadline passes: long work can stop early. */
  signal: AbortSignal;
}

const storage = new AsyncLocalStorage<GrpcCallContextValue>();

export const GrpcCallContext = {
  run<T>(value: GrpcCallContextValue, fn: () => T): T {
    return storage.run(value, fn);
  },
  /** The incoming call being served, or undefined outside a gRPC handler. */
  current(): GrpcCallContextValue | undefined {
    return storage.getStore();
  },
};

/** grpc-js deadlines are a Date or epoch milliseconds; Infinity means none. */
export function deadlineToMillis(deadline: Date | number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const millis = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(millis) ? millis : undefined;
}
