import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import { callView } from '../calls/call.view';
import { evaluationView } from './evaluation.view';
import { EvaluationsService } from './evaluations.service';

/** Evaluations of calls and their lifecycle (draft -> submitted -> acknowledged | disputed -> resolved). */
@Controller('v1/qa/evaluations')
@TenantApi()
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationsService) {}

  @Post()
  async create(@Body() body: unknown) {
    return evaluationView(await this.evaluations.create(body));
  }

  @Get()
  async list(@Query() query: unknown) {
    const page = await this.evaluations.list(query);
    return { items: page.items.map(evaluationView), nextCursor: page.nextCursor };
  }

  /** The evaluation with its call: timeline, agent, customer, checks, recording id. */
  @Get(':id')
  async get(@Param('id') id: string) {
    const { evaluation, call } = await this.evaluations.getWithCall(id);
    return { ...evaluationView(evaluation), call: call ? callView(call) : null };
  }

  @Post(':id/answers')
  @HttpCode(200)
  async answer(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.answer(id, body));
  }

  @Post(':id/submit')
  @HttpCode(200)
  async submit(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.submit(id, body));
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.acknowledge(id, body));
  }

  @Post(':id/dispute')
  @HttpCode(200)
  async dispute(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.dispute(id, body));
  }

  @Post(':id/resolve')
  @HttpCode(200)
  async resolve(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.resolve(id, body));
  }

  @Post(':id/comments')
  async comment(@Param('id') id: string, @Body() body: unknown) {
    return evaluationView(await this.evaluations.comment(id, body));
  }
}
