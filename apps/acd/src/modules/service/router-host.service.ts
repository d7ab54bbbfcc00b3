import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import {
  AgentStateChanged,
  CallAnsweredByAgent,
  CallAssigned,
  CallDequeued,
  CallEnqueued,
  CallHandled,
  CallOverflowed,
  CallRequeued,
  type EventDefinition,
  QueueStatsReported,
  type PayloadOf,
} from '@cc/contracts';
import { APP_CONFIG, AppError, ErrorKind, EventPublisher, NatsConnectionService } from '@cc/platform';
import type { AcdConfig } from '../../config';
import { LeaderLease } from '../coordination/leader-lease';
import { NatsKvStateStore } from '../coordination/nats-kv.state-store';
import { keyToken, type StateStore } from '../coordination/state-store';
import { ConfigurationRepository } from '../configuration/configuration.repository';
import { ConfigurationStore } from '../configuration/configuration.store';
import { type ConfigChange, localId } from '../configuration/configuration.types';
import {
  type AssignmentMessage,
  type RevokedMessage,
  RouterCore,
  type RouterFact,
  type RouterSink,
} from '../router/router.core';
import {
  type CommandOf,
  dispatch,
  errorFromReply,
  errorReply,
  type RouterCommand,
  type RouterResults,
  type WireReply,
} from './router-commands';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a WatchAssignments stream receives (JSON on the node's subject). */
export type AssignmentEvent =
  { readonly assignment: AssignmentMessage } | { readonly revoked: RevokedMessage };

/** The NATS subjects the replicas of one acd deployment (one KV bucket) talk on. */
export function acdSubjects(bucket: string): {
  commands: string;
  config: string;
  assignments: (nodeId: string) => string;
} {
  const root = `acd.${bucket}`;
  return {
    commands: `${root}.router`,
    config: `${root}.config`,
    assignments: (nodeId) => `${root}.assign.${keyToken(nodeId)}`,
  };
}

/**
 * One per replica. Every replica keeps the configuration in memory and competes for the router
 * lease; the holder runs the RouterCore (engine + durable live state in KV) and answers the
 * commands other replicas forward to it (NATS request/reply on `acd.<bucket>.router`, a queue
 * group so that only a router answers; with none, the caller gets UNAVAILABLE and retries).
 * Safety never depends on the lease: every state write is a compare-and-set (see ADR 0008).
 */
@Injectable()
export class RouterHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RouterHost');
  readonly replicaId: string;
  readonly configuration = new ConfigurationStore();
  readonly subjects: ReturnType<typeof acdSubjects>;
  private store: StateStore | undefined;
  /**
   * The router's own connection for its hot path (KV compare-and-set writes, the lease, forwarded
   * commands, offers), opened with `noAsyncTraces`: the shared connection makes an Error (a stack
   * capture) for every request to give failures a call site, which cost ~7% of the CPU at 200 calls/s.
   */
  private routerConnection: NatsConnection | undefined;
  private lease: LeaderLease | undefined;
  private core: RouterCore | undefined;
  /** Set once the core finished its takeover: commands wait for it (the store is being read). */
  private routing = false;
  private commandSubscription: Subscription | undefined;
  private configSubscription: Subscription | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private statsSaveTimer: NodeJS.Timeout | undefined;
  private leaseStep: Promise<void> = Promise.resolve();
  private configChain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Milliseconds the last full configuration load took (reported by the benchmark). */
  configLoadMs = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AcdConfig,
    @Inject(NatsConnectionService) private readonly nats: NatsConnectionService,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(ConfigurationRepository) private readonly repository: ConfigurationRepository,
  ) {
    this.replicaId =
      config.ACD_REPLICA_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.subjects = acdSubjects(config.ACD_KV_BUCKET);
  }

  /** True while this replica runs the router. */
  get isRouter(): boolean {
    return this.routing && this.core?.active === true;
  }

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.connect();
    // Changes first, then the whole load: a change made during the load is applied again after it.
    this.configSubscription = nc.subscribe(this.subjects.config, {
      callback: (error, msg) => {
        if (error) return;
        const change = JSON.parse(decoder.decode(msg.data)) as ConfigChange;
        void this.applyChange(change).catch((e: unknown) =>
          this.logger.warn(`configuration change ${JSON.stringify(change)} not applied: ${String(e)}`),
        );
      },
    });
    const started = performance.now();
    await this.repository.loadAll(this.configuration);
    this.configLoadMs = performance.now() - started;
    this.routerConnection = await connect({
      servers: this.config.NATS_URL.split(',').map((server) => server.trim()),
      name: `acd-router-${this.replicaId}`,
      noAsyncTraces: true,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 1_000,
      pingInterval: 10_000,
      timeout: 5_000,
    });
    const kv = await new Kvm(jetstream(this.routerConnection, { timeout: 5_000 })).create(
      this.config.ACD_KV_BUCKET,
      {
        history: 1,
        replicas: this.config.CC_JETSTREAM_REPLICAS,
      },
    );
    this.store = new NatsKvStateStore(kv);
    this.lease = new LeaderLease(this.store, this.replicaId, this.config.ACD_LEASE_TTL_MS, () => Date.now());
    const size = this.configuration.size;
    this.logger.log(
      `replica ${this.replicaId}: configuration loaded in ${Math.round(this.configLoadMs)} ms ` +
        `(${size.queues} queues, ${size.agents} agents, ${size.memberships} memberships)`,
    );
    await this.runLeaseStep();
    this.scheduleLease();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.leaseTimer);
    await this.leaseStep;
    const wasRouter = this.core !== undefined;
    // The successor goes on from the counters as they are now.
    await this.core?.saveStatistics().catch(() => undefined);
    this.stepDown('shutdown');
    this.configSubscription?.unsubscribe();
    // A graceful stop hands the lease over at once instead of after its expiry.
    if (wasRouter) await this.lease?.release().catch(() => undefined);
    await this.routerConnection?.drain().catch(() => undefined);
  }

  /** Abrupt death (tests): the router's connection closes without draining, nothing is released. */
  async closeConnectionAbruptly(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.leaseTimer);
    await this.routerConnection?.close();
  }

  /** The router's connection (see routerConnection); the shared one until it is open. */
  private get connection(): NatsConnection {
    return this.routerConnection ?? this.nats.connection;
  }

  // ------------------------------------------------------------------ commands

  /** Runs a command on the router: here when this replica is it, else forwarded over NATS. */
  async execute<K extends RouterCommand['op']>(command: CommandOf<K>): Promise<RouterResults[K]> {
    const core = this.core;
    if (this.routesNow(core)) return (await this.runLocally(core, command)) as RouterResults[K];
    let msg: Msg;
    try {
      msg = await this.connection.request(this.subjects.commands, encoder.encode(JSON.stringify(command)), {
        timeout: this.config.ACD_FORWARD_TIMEOUT_MS,
      });
    } catch (error) {
      throw new AppError(ErrorKind.Unavailable, 'no acd router answers now: retry', {
        code: 'acd.no_router',
        retryAfterSeconds: 1,
        cause: error,
      });
    }
    const reply = JSON.parse(decoder.decode(msg.data)) as WireReply;
    if (!reply.ok) throw errorFromReply(reply);
    return reply.result as RouterResults[K];
  }

  /**
   * This replica runs the router and its lease still holds (checked per command: a replica that was
   * paused past its lease refuses before doing anything, not only at its next write).
   */
  private routesNow(core: RouterCore | undefined): core is RouterCore {
    return this.routing && core?.active === true && this.lease?.held() === true;
  }

  private async runLocally(core: RouterCore, command: RouterCommand): Promise<unknown> {
    if (command.op === 'config') {
      await this.applyChange(command.change);
      return null;
    }
    return dispatch(core, command);
  }

  private async answer(msg: Msg): Promise<void> {
    let reply: WireReply;
    try {
      const core = this.core;
      if (!this.routesNow(core)) {
        throw new AppError(ErrorKind.Unavailable, 'this replica is not the router any more: retry', {
          code: 'acd.router_changed',
          retryAfterSeconds: 1,
        });
      }
      const command = JSON.parse(decoder.decode(msg.data)) as RouterCommand;
      reply = { ok: true, result: await this.runLocally(core, command) };
    } catch (error) {
      if (!(error instanceof AppError)) this.logger.error(`forwarded command failed: ${String(error)}`);
      reply = errorReply(error);
    }
    msg.respond(encoder.encode(JSON.stringify(reply)));
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Re-reads one changed entity from Postgres into this replica's configuration and, on the router,
   * into the running engine. Changes apply one at a time, in the order they arrived.
   */
  applyChange(change: ConfigChange): Promise<void> {
    const run = this.configChain.then(async () => {
      switch (change.kind) {
        case 'tenant': {
          const tenant = await this.repository.loadTenant(change.tenantId);
          if (!tenant) return;
          this.configuration.setTenant(tenant);
          this.core?.applyTenant(tenant);
          return;
        }
        case 'queue': {
          const queue = await this.repository.loadQueue(change.tenantId, change.queueId);
          if (!queue) return;
          this.configuration.setQueue(queue);
          this.core?.applyQueue(queue);
          return;
        }
        case 'agent': {
          const agent = await this.repository.loadAgent(change.agentId);
          if (!agent) return;
          this.configuration.setAgent(agent);
          this.core?.applyAgent(agent);
          return;
        }
      }
    });
    this.configChain = run.catch(() => undefined);
    return run;
  }

  /** After an admin write: every replica reloads the entity; the answer waits for the router's copy. */
  async configurationChanged(change: ConfigChange): Promise<void> {
    this.nats.connection.publish(this.subjects.config, encoder.encode(JSON.stringify(change)));
    try {
      await this.execute({ op: 'config', change });
    } catch (error) {
      // Saved in Postgres and broadcast: a router that starts later has it. Only log.
      this.logger.warn(`router did not confirm configuration change: ${String(error)}`);
    }
  }

  // ------------------------------------------------------------------ lease and router lifecycle

  private scheduleLease(): void {
    if (this.stopped) return;
    this.leaseTimer = setTimeout(() => {
      void this.runLeaseStep().finally(() => this.scheduleLease());
    }, this.config.ACD_LEASE_RENEW_MS);
  }

  private runLeaseStep(): Promise<void> {
    this.leaseStep = this.leaseStep.then(async () => {
      if (this.stopped || !this.lease) return;
      let held = false;
      try {
        held = await this.lease.tryAcquire();
      } catch (error) {
        this.logger.warn(`lease renewal failed: ${String(error)}`);
      }
      if (this.stopped) return;
      if (held && !this.core?.active) await this.becomeRouter();
      else if (!held && this.core) this.stepDown('lease lost');
    });
    return this.leaseStep;
  }

  private async becomeRouter(): Promise<void> {
    const lease = this.lease;
    const store = this.store;
    if (!lease || !store) return;
    this.stepDown('rebuilding');
    const core: RouterCore = new RouterCore(
      store,
      { now: () => Date.now() },
      this.configuration,
      this.sink(),
      {
        onFailure: (error) => {
          this.logger.warn(`router stops: ${error.message}`);
          if (this.core === core) this.stepDown('write refused');
        },
        mayWrite: () => lease.held(),
        defaultRingTimeoutMs: this.config.ACD_DEFAULT_RING_TIMEOUT_MS,
      },
    );
    this.core = core;
    try {
      await core.start();
    } catch (error) {
      this.logger.warn(`takeover failed: ${String(error)}`);
      if (this.core === core) this.stepDown('takeover failed');
      return;
    }
    if (this.core !== core || !core.active) return;
    this.routing = true;
    this.commandSubscription = this.connection.subscribe(this.subjects.commands, {
      queue: 'router',
      callback: (error, msg) => {
        if (!error) void this.answer(msg);
      },
    });
    this.tickTimer = setInterval(() => {
      core.sweepEnded();
      const due = core.nextTimerAt();
      if (due !== undefined && due <= Date.now()) {
        try {
          core.tick();
        } catch (error) {
          this.logger.error(`router tick failed: ${String(error)}`);
        }
      }
    }, this.config.ACD_TICK_MS);
    if (this.config.ACD_QUEUE_STATS_INTERVAL_MS > 0) {
      this.statsTimer = setInterval(
        () => this.publishQueueStats(core),
        this.config.ACD_QUEUE_STATS_INTERVAL_MS,
      );
      this.statsTimer.unref();
    }
    if (this.config.ACD_STATS_SAVE_INTERVAL_MS > 0) {
      this.statsSaveTimer = setInterval(() => {
        core
          .saveStatistics()
          .catch((error: unknown) => this.logger.warn(`statistics not saved: ${String(error)}`));
      }, this.config.ACD_STATS_SAVE_INTERVAL_MS);
      this.statsSaveTimer.unref();
    }
    this.logger.log(`replica ${this.replicaId} routes (lease term ${lease.term})`);
  }

  private stepDown(why: string): void {
    if (!this.core) return;
    this.logger.log(`replica ${this.replicaId} stops routing: ${why}`);
    this.core = undefined;
    this.routing = false;
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    clearInterval(this.statsSaveTimer);
    this.statsSaveTimer = undefined;
    this.commandSubscription?.unsubscribe();
    this.commandSubscription = undefined;
  }

  // ------------------------------------------------------------------ what the router tells

  private sink(): RouterSink {
    return {
      assignment: (nodeId, message) => {
        this.sendToNode(nodeId, { assignment: message });
        this.fact(
          CallAssigned,
          message.tenantId,
          {
            callId: message.callId,
            queueId: message.queueId,
            agentId: message.agentId,
            fencingToken: String(message.fencingToken),
            waitMs: Math.round(message.waitMs),
            assignmentId: message.assignmentId,
            telephonyNodeId: nodeId,
          },
          message.reservedAt,
          // Re-sent offers (takeover, re-opened watch) are the same fact: JetStream drops the copy.
          `acd-assigned-${message.tenantId}-${message.assignmentId}`,
        );
      },
      revoked: (nodeId, message) => this.sendToNode(nodeId, { revoked: message }),
      facts: (events) => {
        for (const event of events) this.publishFact(event);
      },
    };
  }

  /** queue.stats_reported for every queue with calls waiting now or offered in the last 15 minutes. */
  reportQueueStats(): void {
    if (this.core) this.publishQueueStats(this.core);
  }

  private publishQueueStats(core: RouterCore): void {
    if (!core.active) return;
    const byTenant = new Map<string, string[]>();
    for (const q of this.configuration.queues()) {
      const ids = byTenant.get(q.tenantId) ?? [];
      ids.push(q.queueId);
      byTenant.set(q.tenantId, ids);
    }
    const now = Date.now();
    for (const [tenantId, queueIds] of byTenant) {
      for (const view of core.queueStats(tenantId, queueIds, 'last15m')) {
        const w = view.window;
        const offered = w.answered + w.abandoned + w.timedOut;
        if (offered === 0 && view.live.waiting === 0) continue;
        this.fact(
          QueueStatsReported,
          tenantId,
          {
            queueId: view.queueId,
            windowMinutes: 15,
            waitingCalls: view.live.waiting,
            longestWaitSeconds: Math.max(0, view.live.longestWaitSec),
            offered,
            answered: w.answered,
            abandoned: w.abandoned,
            serviceLevel: w.sl,
            serviceLevelExcludingShortAbandons: w.slExcludingShortAbandons,
            serviceLevelThresholdSeconds: view.thresholdSec,
            asaSeconds: w.asaSec,
            ahtSeconds: w.ahtSec,
            abandonmentRate: w.abandonRate,
            occupancy: w.occupancy,
          },
          now,
        );
      }
    }
  }

  private sendToNode(nodeId: string, event: AssignmentEvent): void {
    try {
      this.connection.publish(this.subjects.assignments(nodeId), encoder.encode(JSON.stringify(event)));
    } catch (error) {
      // Lost offers are re-sent when the node's watch re-opens, or revoked at the ring timeout.
      this.logger.warn(`assignment not sent to ${nodeId}: ${String(error)}`);
    }
  }

  private publishFact(event: RouterFact): void {
    switch (event.type) {
      case 'agent.state_changed': {
        const payload = {
          agentId: event.agentId,
          from: event.from,
          to: event.to,
          ...(event.reason !== undefined ? { reason: event.reason.slice(0, 64) } : {}),
          durationMs: Math.max(0, Math.round(event.durationMs)),
          ...(event.callId !== undefined ? { callId: localId(event.callId) } : {}),
          ...(event.queueId !== undefined ? { queueId: localId(event.queueId) } : {}),
        };
        // Agents belong to the operator: the fact goes to the call's tenant, else to every tenant served.
        const tenants =
          event.tenantId !== undefined
            ? [event.tenantId]
            : (this.configuration.agent(event.agentId)?.profiles.map((p) => p.tenantId) ?? []);
        for (const tenantId of tenants) this.fact(AgentStateChanged, tenantId, payload, event.at);
        return;
      }
      case 'call.enqueued':
        this.fact(
          CallEnqueued,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            priority: Math.round(event.priority),
          },
          event.at,
        );
        return;
      case 'call.answered':
        this.fact(
          CallAnsweredByAgent,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            agentId: event.agentId,
            waitMs: Math.max(0, Math.round(event.waitMs)),
          },
          event.at,
        );
        return;
      case 'call.requeued':
        this.fact(
          CallRequeued,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            agentId: event.agentId,
            reason: event.reason,
          },
          event.at,
        );
        return;
      case 'call.overflowed':
        this.fact(
          CallOverflowed,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            action: event.action,
            ...(event.toQueueId !== undefined ? { toQueueId: localId(event.toQueueId) } : {}),
          },
          event.at,
        );
        return;
      case 'call.dequeued':
        this.fact(
          CallDequeued,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            reason: event.reason,
            waitMs: Math.max(0, Math.round(event.waitMs)),
          },
          event.at,
        );
        return;
      case 'call.ended':
        this.fact(
          CallHandled,
          event.tenantId,
          {
            callId: localId(event.callId),
            queueId: localId(event.queueId),
            agentId: event.agentId,
            talkMs: Math.max(0, Math.round(event.talkMs)),
          },
          event.at,
        );
        return;
      case 'call.assigned':
        // Published with the real fencing token once both writes landed (sink.assignment).
        return;
    }
  }

  private fact<D extends EventDefinition>(
    definition: D,
    tenantId: string,
    payload: PayloadOf<D>,
    at: number,
    id?: string,
  ): void {
    this.publisher
      .publish(definition, tenantId, payload, {
        occurredAt: new Date(at),
        ...(id !== undefined ? { id } : {}),
      })
      .catch((error: unknown) => this.logger.warn(`fact ${definition.type} not published: ${String(error)}`));
  }
}
