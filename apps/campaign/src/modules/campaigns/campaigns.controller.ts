import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { AppError, TenantApi } from '@cc/platform';
import type { Request } from 'express';
import { ContactsService } from '../contacts/contacts.service';
import { campaignView } from './campaign.view';
import { CampaignsService } from './campaigns.service';
import { ComplianceReportService } from './compliance-report.service';

const MAX_CSV_BYTES = 20 * 1024 * 1024;

async function readCsv(req: Request): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!/^text\/csv\b/i.test(type)) {
    throw AppError.invalid([
      { field: 'headers.content-type', rule: 'text/csv', message: 'the body must be text/csv' },
    ]);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CSV_BYTES) {
      throw AppError.invalid([
        { field: 'body', rule: 'max_size', message: `at most ${MAX_CSV_BYTES} bytes` },
      ]);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Campaigns of the tenant in `x-tenant-id`: configuration, state commands, contacts, compliance. */
@Controller('v1/campaigns')
@TenantApi()
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly contacts: ContactsService,
    private readonly compliance: ComplianceReportService,
  ) {}

  @Post()
  async create(@Body() body: unknown) {
    return campaignView(await this.campaigns.create(body));
  }

  @Get()
  async list(@Query() query: unknown) {
    return { items: (await this.campaigns.list(query)).map(campaignView) };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return campaignView(await this.campaigns.get(id));
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    return campaignView(await this.campaigns.update(id, body));
  }

  @Post(':id/start')
  @HttpCode(200)
  async start(@Param('id') id: string) {
    return campaignView(await this.campaigns.command(id, 'start'));
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@Param('id') id: string) {
    return campaignView(await this.campaigns.command(id, 'pause'));
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id') id: string) {
    return campaignView(await this.campaigns.command(id, 'resume'));
  }

  @Post(':id/stop')
  @HttpCode(200)
  async stop(@Param('id') id: string) {
    return campaignView(await this.campaigns.command(id, 'stop'));
  }

  /** The body is the CSV itself (`Content-Type: text/csv`). */
  @Post(':id/contacts/import')
  @HttpCode(200)
  async importContacts(@Param('id') id: string, @Req() req: Request, @Query() query: unknown) {
    return this.contacts.importCsv(id, await readCsv(req), query);
  }

  @Get(':id/contacts')
  async listContacts(@Param('id') id: string, @Query() query: unknown) {
    const page = await this.contacts.list(id, query);
    return {
      items: page.items.map((c) => ({
        id: c.id,
        phone: c.phone,
        name: c.name,
        state: c.state,
        attempts: c.attempts,
        lastOutcome: c.lastOutcome,
        nextAttemptAt: c.nextAttemptAt?.toISOString() ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id/compliance')
  async complianceReport(@Param('id') id: string) {
    return this.compliance.report(id);
  }
}
