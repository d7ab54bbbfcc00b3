import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '@cc/platform';
import { AuditService } from '../audit/audit.service';
import { checkIfMatch } from '../http/etag.util';
import { pageOfList, type Page, type PageQuery } from '../http/pagination.util';
import { fromUpstream } from '../upstreams/upstream-error.util';
import { GrpcUpstreams } from '../upstreams/grpc-upstreams';
import type { Versioned } from '../users/users.service';
import { queueInputOf, queueStatsView, queueToProto, queueView, windowToProto } from './queue.mapper';
import type {
  CreateQueue,
  QueueStatsView,
  QueueView,
  RoutingSettings,
  StatsWindow,
  UpdateQueue,
  UpsertSkill,
} from './queue.schema';

/** A tenant's queues, skills and live statistics, kept by acd and reached over gRPC. */
@Injectable()
export class QueuesService {
  constructor(
    private readonly upstreams: GrpcUpstreams,
    private readonly audit: AuditService,
  ) {}

  private async find(tenantId: string, queueId: string): Promise<QueueView | undefined> {
    const { queues } = await this.upstreams.acd.call((acd) =>
      acd.listQueues({ queueIds: [queueId] }, { tenantId }),
    );
    const found = queues[0];
    return found ? queueView(found) : undefined;
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<QueueView>> {
    const { queues } = await this.upstreams.acd.call((acd) => acd.listQueues({ queueIds: [] }, { tenantId }));
    return pageOfList(queues.map(queueView), query, (q) => q.id);
  }

  async get(tenantId: string, queueId: string): Promise<Versioned<QueueView>> {
    const queue = await this.find(tenantId, queueId);
    if (!queue) throw AppError.notFound('queue', queueId);
    return { value: queue, version: queue.version };
  }

  async create(actor: string, tenantId: string, input: CreateQueue): Promise<Versioned<QueueView>> {
    if (await this.find(tenantId, input.id)) {
      throw new AppError(ErrorKind.AlreadyExists, `queue ${input.id} already exists`, {
        code: 'queue_exists',
      });
    }
    return this.write(actor, tenantId, input, undefined);
  }

  /**
   * Changes the fields given. If-Match is checked against the version read just before the write;
   * acd's UpsertQueue has no compare-and-set, so two changes in the same instant may both pass.
   */
  async update(
    actor: string,
    tenantId: string,
    queueId: string,
    change: UpdateQueue,
    ifMatch: string | undefined,
  ): Promise<Versioned<QueueView>> {
    const before = await this.find(tenantId, queueId);
    if (!before) throw AppError.notFound('queue', queueId);
    checkIfMatch(ifMatch, before.version);
    const merged = { ...queueInputOf(before), ...change };
    return this.write(actor, tenantId, merged, before);
  }

  private async write(
    actor: string,
    tenantId: string,
    queue: CreateQueue,
    before: QueueView | undefined,
  ): Promise<Versioned<QueueView>> {
    await this.upstreams.acd.call((acd) =>
      acd.upsertQueue({ queue: queueToProto(queue) }, { tenantId, actor }),
    );
    const after = await this.find(tenantId, queue.id);
    if (!after) throw new AppError(ErrorKind.Internal, `acd lost queue ${queue.id} right after writing it`);
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: before ? 'queue.updated' : 'queue.created',
      resourceType: 'queue',
      resourceId: queue.id,
      before: before ?? null,
      after,
    });
    return { value: after, version: after.version };
  }

  async stats(tenantId: string, queueIds: readonly string[], window: StatsWindow): Promise<QueueStatsView[]> {
    const { queues } = await this.upstreams.acd.call((acd) =>
      acd.getQueueStats({ queueIds: [...queueIds], window: windowToProto(window) }, { tenantId }),
    );
    return queues.map(queueStatsView);
  }

  /**
   * Statistics every `intervalSeconds` until `signal` aborts or the stream's deadline ends it. The
   * first snapshot is awaited by the caller before it answers 200, so a down acd is a 503.
   */
  watchStats(
    tenantId: string,
    query: { queueIds?: readonly string[]; window: StatsWindow; intervalSeconds: number },
    signal: AbortSignal,
  ): AsyncIterator<QueueStatsView[]> {
    const client = this.upstreams.acd.raw;
    if (!client) throw fromUpstream('acd', new AppError(ErrorKind.Unavailable, 'acd is not configured'));
    const stream = client.watchQueueStats(
      {
        queueIds: [...(query.queueIds ?? [])],
        window: windowToProto(query.window),
        intervalSeconds: query.intervalSeconds,
      },
      { tenantId, signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    return {
      next: async () => {
        try {
          const result = await iterator.next();
          return result.done ? result : { done: false, value: result.value.queues.map(queueStatsView) };
        } catch (error) {
          // The stream's own deadline (STATS_STREAM_MAX_SECONDS) is its normal end: the client re-connects.
          if (error instanceof AppError && error.kind === ErrorKind.DeadlineExceeded)
            return { done: true, value: undefined };
          throw fromUpstream('acd', error);
        }
      },
      return: async () => {
        await iterator.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  async listSkills(tenantId: string, query: PageQuery): Promise<Page<{ id: string; name: string }>> {
    const { skills } = await this.upstreams.acd.call((acd) => acd.listSkills({}, { tenantId }));
    return pageOfList(
      skills.map((s) => ({ id: s.skillId, name: s.name })),
      query,
      (s) => s.id,
    );
  }

  /** Creates or renames a skill of `tenantId`. */
  async upsertSkill(
    actor: string,
    tenantId: string,
    skillId: string,
    input: UpsertSkill,
  ): Promise<{ id: string; name: string }> {
    const { skills } = await this.upstreams.acd.call((acd) => acd.listSkills({}, { tenantId }));
    const before = skills.find((s) => s.skillId === skillId);
    await this.upstreams.acd.call((acd) =>
      acd.upsertSkill({ skillId, name: input.name }, { tenantId, actor }),
    );
    const after = { id: skillId, name: input.name };
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: before ? 'skill.updated' : 'skill.created',
      resourceType: 'skill',
      resourceId: skillId,
      before: before ? { id: before.skillId, name: before.name } : null,
      after,
    });
    return after;
  }

  /** The tenant's routing settings (acd keeps no history of them: the record holds the new ones). */
  async putRoutingSettings(
    actor: string,
    tenantId: string,
    input: RoutingSettings,
  ): Promise<RoutingSettings> {
    await this.upstreams.acd.call((acd) =>
      acd.upsertTenantSettings(
        { timeZone: input.timeZone, weight: input.weight, holidays: input.holidays },
        { tenantId, actor },
      ),
    );
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'routing_settings.updated',
      resourceType: 'routing_settings',
      resourceId: tenantId,
      after: input,
    });
    return input;
  }
}
