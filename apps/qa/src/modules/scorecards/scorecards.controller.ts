import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { parseOrThrow, TenantApi } from '@cc/platform';
import { z } from 'zod';
import type { ScorecardVersion } from './scorecard.model';
import { ScorecardsService } from './scorecards.service';

const VersionQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();

function view(s: ScorecardVersion & { versions?: number[] }) {
  return {
    id: s.scorecardId,
    version: s.version,
    ...(s.versions ? { versions: s.versions } : {}),
    createdAt: s.createdAt.toISOString(),
    ...s.definition,
  };
}

/** Scorecards (evaluation forms), versioned: PUT publishes the next version. */
@Controller('v1/qa/scorecards')
@TenantApi()
export class ScorecardsController {
  constructor(private readonly scorecards: ScorecardsService) {}

  @Post()
  async create(@Body() body: unknown) {
    return view(await this.scorecards.create(body));
  }

  /** Checks a form without saving it: `{ valid, errors[] }` naming each problem. */
  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown) {
    const check = this.scorecards.validate(body);
    return check.ok ? { valid: true, errors: [] } : { valid: false, errors: check.violations };
  }

  @Get()
  async list() {
    return { items: (await this.scorecards.list()).map(view) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query() query: unknown) {
    const { version } = parseOrThrow(VersionQuerySchema, query, 'query');
    return view(await this.scorecards.get(id, version));
  }

  @Put(':id')
  async publish(@Param('id') id: string, @Body() body: unknown) {
    return view(await this.scorecards.publishVersion(id, body));
  }
}
