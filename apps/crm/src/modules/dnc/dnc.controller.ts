import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { parseOrThrow } from '@cc/platform';
import { z } from 'zod';
import { TenantApi } from '@cc/platform';
import { DncService, type DncEntryView, MAX_DNC_BATCH } from './dnc.service';
import type { DncVerdict } from './dnc.util';

const CheckSchema = z
  .object({
    phoneNumbers: z.array(z.string().max(64)).min(1).max(MAX_DNC_BATCH),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  })
  .strict();

function entryView(e: DncEntryView) {
  return { ...e, expiresAt: e.expiresAt?.toISOString() ?? null, createdAt: e.createdAt.toISOString() };
}

function verdictView(v: DncVerdict) {
  return {
    phoneNumber: v.input,
    e164: v.e164,
    blocked: v.blocked,
    invalidNumber: v.invalidNumber,
    scope: v.scope,
    reason: v.reason,
    expiresAt: v.expiresAt?.toISOString() ?? null,
  };
}

/** The tenant's do-not-call list (numbers in any form in paths and bodies). */
@Controller('v1/dnc')
@TenantApi()
export class DncController {
  constructor(private readonly dnc: DncService) {}

  @Post()
  async add(@Body() body: unknown) {
    return entryView(await this.dnc.add(body));
  }

  @Get()
  async list(@Query() query: unknown) {
    const page = await this.dnc.list(query);
    return { items: page.items.map(entryView), nextCursor: page.nextCursor };
  }

  /** Checks numbers against the tenant's and the operator's lists. */
  @Post('check')
  @HttpCode(200)
  async check(@Body() body: unknown) {
    const input = parseOrThrow(CheckSchema, body, 'body');
    const results = await this.dnc.check(input.phoneNumbers, input.defaultCountry);
    return { results: results.map(verdictView) };
  }

  @Get(':phoneNumber')
  async get(@Param('phoneNumber') phoneNumber: string) {
    return entryView(await this.dnc.get(phoneNumber));
  }

  @Delete(':phoneNumber')
  @HttpCode(204)
  async remove(@Param('phoneNumber') phoneNumber: string): Promise<void> {
    await this.dnc.remove(phoneNumber);
  }
}
