import { Injectable } from '@nestjs/common';
import { parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import { QaDatabase } from '../../infrastructure/qa-database';
import { RefIdSchema } from '../settings/qa-settings.model';
import {
  OPEN_STATUSES,
  type WorkItemRecord,
  WorkItemsRepository,
  type WorkItemStatus,
} from './work-items.repository';

export const ListWorkItemsSchema = z
  .object({
    analystId: RefIdSchema.optional(),
    /** Default: open and in progress. */
    status: z.enum(['open', 'in_progress', 'done']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: RefIdSchema.optional(),
  })
  .strict();

/** Analysts' work queues of sampled calls, oldest first. */
@Injectable()
export class WorkItemsService {
  constructor(
    private readonly database: QaDatabase,
    private readonly workItems: WorkItemsRepository,
  ) {}

  list(query: unknown): Promise<{ items: WorkItemRecord[]; nextCursor: string | null }> {
    const q = parseOrThrow(ListWorkItemsSchema, query, 'query');
    return this.listParsed(q);
  }

  listParsed(
    q: z.infer<typeof ListWorkItemsSchema>,
  ): Promise<{ items: WorkItemRecord[]; nextCursor: string | null }> {
    const statuses: WorkItemStatus[] = q.status ? [q.status] : OPEN_STATUSES;
    return this.database.tenant(async (tx, tenantId) => {
      const items = await this.workItems.list(tx, tenantId, {
        statuses,
        limit: q.limit,
        ...(q.analystId ? { analystId: q.analystId } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { items, nextCursor: items.length === q.limit ? items[items.length - 1]!.id : null };
    });
  }
}
