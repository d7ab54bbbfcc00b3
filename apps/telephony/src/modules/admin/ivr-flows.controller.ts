import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { AppError, ZodValidationPipe } from '@cc/platform';
import type { z } from 'zod';
import { TenantApi } from '@cc/platform';
import {
  EntryPointsRepository,
  type FlowRecord,
  type FlowSummary,
} from '../entry-points/entry-points.repository';
import { validateIvrFlow } from '../flows/ivr-flow.validation';
import { FlowIdSchema, FlowVersionQuerySchema, SaveFlowSchema } from './admin.schemas';

/** IVR flow admin (x-tenant-id until the gateway fronts it). Every save is a new version. */
@Controller('v1/ivr-flows')
@TenantApi()
export class IvrFlowsController {
  constructor(private readonly repository: EntryPointsRepository) {}

  /** Checks a flow as saving would: 200 with the normalized flow, or 400 naming every broken rule. */
  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown): { valid: true; flow: unknown } {
    const result = validateIvrFlow(body);
    if (!result.ok) throw AppError.invalid(result.violations, 'the IVR flow is invalid');
    return { valid: true, flow: result.flow };
  }

  @Get()
  async list(): Promise<{ items: FlowSummary[] }> {
    return { items: await this.repository.listFlows() };
  }

  /** The current version, or `?version=n`. */
  @Get(':flowId')
  get(
    @Param('flowId', new ZodValidationPipe(FlowIdSchema, 'flowId')) flowId: string,
    @Query(new ZodValidationPipe(FlowVersionQuerySchema, 'query'))
    query: z.infer<typeof FlowVersionQuerySchema>,
  ): Promise<FlowRecord> {
    return this.repository.getFlow(flowId, query.version);
  }

  /** Saves a new version (the first creates the flow); a bad flow is refused whole (400). */
  @Put(':flowId')
  save(
    @Param('flowId', new ZodValidationPipe(FlowIdSchema, 'flowId')) flowId: string,
    @Body(new ZodValidationPipe(SaveFlowSchema, 'body')) body: z.infer<typeof SaveFlowSchema>,
  ): Promise<FlowRecord> {
    return this.repository.saveFlow(flowId, {
      name: body.name,
      definition: body.definition,
      expectedVersion: body.expectedVersion,
    });
  }

  @Delete(':flowId')
  @HttpCode(204)
  async remove(
    @Param('flowId', new ZodValidationPipe(FlowIdSchema, 'flowId')) flowId: string,
  ): Promise<void> {
    await this.repository.deleteFlow(flowId);
  }
}
