import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { serveEventStream } from '../http/event-stream.util';
import { idParam, withEtag } from '../http/http.util';
import {
  IdempotentPost,
  IfMatchHeader,
  StandardErrors,
  ZodBody,
  ZodEventStream,
  ZodQuery,
  ZodResponse,
} from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import {
  CreateQueueSchema,
  QueueStatsViewSchema,
  QueueViewSchema,
  StatsListQuerySchema,
  StatsQuerySchema,
  StatsStreamQuerySchema,
  UpdateQueueSchema,
  type CreateQueue,
  type QueueStatsView,
  type QueueView,
  type StatsListQuery,
  type StatsStreamQuery,
  type UpdateQueue,
} from './queue.schema';
import { QueuesService } from './queues.service';

const StatsListSchema = z.object({ data: z.array(QueueStatsViewSchema) });

@ApiTags('queues')
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @Authenticated({ audience: 'tenant', permission: 'queues:write' })
  @IdempotentPost()
  @ZodBody(CreateQueueSchema)
  @ZodResponse(201, QueueViewSchema, 'Created (ETag header)')
  @StandardErrors()
  async create(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(CreateQueueSchema, 'body')) body: CreateQueue,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueView> {
    return withEtag(res, await this.queues.create(p.id, p.tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(QueueViewSchema), 'A page of queues')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<QueueView>> {
    return this.queues.list(p.tenantId, q);
  }

  // Before ':queueId', so that `stats` is not taken for a queue id.
  @Get('stats')
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodQuery(StatsListQuerySchema)
  @ZodResponse(200, StatsListSchema, 'Live statistics of the queues')
  @StandardErrors()
  async statsOfAll(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(StatsListQuerySchema, 'query')) q: StatsListQuery,
  ): Promise<{ data: QueueStatsView[] }> {
    return { data: await this.queues.stats(p.tenantId, q.queueIds ?? [], q.window) };
  }

  /**
   * Server-Sent Events: a `stats` event (an array of queue statistics) every `intervalSeconds`; an
   * `end` event when the stream's time is up (re-connect), `error` if acd fails meanwhile.
   */
  @Get('stats/stream')
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodQuery(StatsStreamQuerySchema)
  @ZodEventStream(z.array(QueueStatsViewSchema), '`event: stats` with the queues’ statistics, repeatedly')
  @StandardErrors()
  async statsStream(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(StatsStreamQuerySchema, 'query')) q: StatsStreamQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const abort = new AbortController();
    const iterator = this.queues.watchStats(p.tenantId, q, abort.signal);
    await serveEventStream(req, res, iterator, 'stats', abort);
  }

  @Get(':queueId')
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodResponse(200, QueueViewSchema, 'The queue (ETag header)')
  @StandardErrors()
  async get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('queueId', idParam('queueId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueView> {
    return withEtag(res, await this.queues.get(p.tenantId, id));
  }

  @Patch(':queueId')
  @Authenticated({ audience: 'tenant', permission: 'queues:write' })
  @IfMatchHeader()
  @ZodBody(UpdateQueueSchema)
  @ZodResponse(200, QueueViewSchema, 'Updated (ETag header)')
  @StandardErrors()
  async update(
    @CurrentTenant() p: TenantPrincipal,
    @Param('queueId', idParam('queueId')) id: string,
    @Body(new ZodValidationPipe(UpdateQueueSchema, 'body')) body: UpdateQueue,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueView> {
    return withEtag(res, await this.queues.update(p.id, p.tenantId, id, body, ifMatch));
  }

  @Get(':queueId/stats')
  @Authenticated({ audience: 'tenant', permission: 'queues:read' })
  @ZodQuery(StatsQuerySchema)
  @ZodResponse(200, QueueStatsViewSchema, 'Live statistics of the queue')
  @StandardErrors()
  async stats(
    @CurrentTenant() p: TenantPrincipal,
    @Param('queueId', idParam('queueId')) id: string,
    @Query(new ZodValidationPipe(StatsQuerySchema, 'query')) q: z.infer<typeof StatsQuerySchema>,
  ): Promise<QueueStatsView> {
    const [stats] = await this.queues.stats(p.tenantId, [id], q.window);
    if (!stats) throw new Error(`acd answered no statistics for queue ${id}`);
    return stats;
  }
}
