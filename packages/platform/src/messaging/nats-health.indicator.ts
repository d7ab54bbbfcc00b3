import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { NatsConnectionService, type NatsConnectionStatus } from './nats-connection.service';

export interface NatsHealth {
  status: 'up' | 'down';
  connection: NatsConnectionStatus;
  /** The server we are connected to, when connected. */
  server?: string;
  jetstream?: { streams: number; consumers: number; storageBytes: number; memoryBytes: number };
  error?: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no JetStream answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Up when the connection is established AND JetStream answers an account-info request within
 * `timeoutMs`: a connected client whose JetStream is gone (disabled, no quorum) cannot publish facts.
 */
export async function natsHealth(nats: NatsConnectionService, timeoutMs = 1_000): Promise<NatsHealth> {
  const connection = nats.status;
  if (connection !== 'connected') return { status: 'down', connection, error: `connection is ${connection}` };
  try {
    const jsm = await withTimeout(nats.jetstreamManager(), timeoutMs);
    const info = await withTimeout(jsm.getAccountInfo(), timeoutMs);
    return {
      status: 'up',
      connection,
      server: nats.connection.getServer(),
      jetstream: {
        streams: info.streams,
        consumers: info.consumers,
        storageBytes: info.storage,
        memoryBytes: info.memory,
      },
    };
  } catch (error) {
    return { status: 'down', connection: nats.status, error: (error as Error).message };
  }
}

/** The terminus indicator for readiness: `() => natsIndicator.isHealthy('nats')`. */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsConnectionService,
  ) {}

  async isHealthy<const Key extends string = 'nats'>(
    key: Key = 'nats' as Key,
    timeoutMs = 1_000,
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.health.check(key);
    const { status, ...details } = await natsHealth(this.nats, timeoutMs);
    return status === 'up' ? session.up(details) : session.down(details);
  }
}
