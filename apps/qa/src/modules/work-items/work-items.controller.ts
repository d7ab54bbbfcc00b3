import { Controller, Get, Query } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import type { WorkItemRecord } from './work-items.repository';
import { WorkItemsService } from './work-items.service';

export function workItemView(w: WorkItemRecord) {
  return { ...w, createdAt: w.createdAt.toISOString() };
}

/** The work queues: `?analystId=` for one analyst's queue. */
@Controller('v1/qa/work-items')
@TenantApi()
export class WorkItemsController {
  constructor(private readonly workItems: WorkItemsService) {}

  @Get()
  async list(@Query() query: unknown) {
    const page = await this.workItems.list(query);
    return { items: page.items.map(workItemView), nextCursor: page.nextCursor };
  }
}
