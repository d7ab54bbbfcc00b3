import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import { z } from 'zod';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { IdempotentPost, StandardErrors, ZodBody, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import { TelephonyAdminService } from './telephony-admin.service';
import {
  DidSchema,
  DidViewSchema,
  FlowDefinitionSchema,
  FlowIdSchema,
  FlowSummarySchema,
  FlowVersionQuerySchema,
  FlowViewSchema,
  TelephonySettingsViewSchema,
  type DidView,
  type FlowSummary,
  type FlowView,
} from './telephony.schema';

const ValidateFlowSchema = FlowDefinitionSchema;

/** The tenant's entry points, read-only: its DIDs, IVR flows and telephony settings. */
@ApiTags('telephony')
@Controller('v1')
export class TelephonyController {
  constructor(private readonly telephony: TelephonyAdminService) {}

  @Get('dids')
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(DidViewSchema), 'The phone numbers (DIDs) the tenant owns')
  @StandardErrors()
  listDids(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<DidView>> {
    return this.telephony.listDids(p.tenantId, q);
  }

  @Get('dids/:did')
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @ZodResponse(200, DidViewSchema, 'The DID and the IVR flow it starts')
  @StandardErrors()
  getDid(
    @CurrentTenant() p: TenantPrincipal,
    @Param('did', new ZodValidationPipe(DidSchema, 'path.did')) did: string,
  ): Promise<DidView> {
    return this.telephony.getDid(p.tenantId, did);
  }

  @Get('ivr-flows')
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(FlowSummarySchema), 'The tenant’s IVR flows')
  @StandardErrors()
  listFlows(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<FlowSummary>> {
    return this.telephony.listFlows(p.tenantId, q);
  }

  /** Checks a flow definition against telephony's rules without saving it (400 names each rule). */
  @Post('ivr-flows/validate')
  @HttpCode(200)
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @IdempotentPost()
  @ZodBody(ValidateFlowSchema)
  @ZodResponse(200, z.object({ valid: z.literal(true), flow: z.unknown() }), 'Valid; the normalized flow')
  @StandardErrors()
  validateFlow(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(ValidateFlowSchema, 'body')) body: Record<string, unknown>,
  ): Promise<{ valid: true; flow: unknown }> {
    return this.telephony.validateFlow(p.tenantId, body);
  }

  @Get('ivr-flows/:flowId')
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @ZodQuery(FlowVersionQuerySchema)
  @ZodResponse(200, FlowViewSchema, 'The flow (current version, or `version`)')
  @StandardErrors()
  getFlow(
    @CurrentTenant() p: TenantPrincipal,
    @Param('flowId', new ZodValidationPipe(FlowIdSchema, 'path.flowId')) flowId: string,
    @Query(new ZodValidationPipe(FlowVersionQuerySchema, 'query')) q: z.infer<typeof FlowVersionQuerySchema>,
  ): Promise<FlowView> {
    return this.telephony.getFlow(p.tenantId, flowId, q.version);
  }

  @Get('telephony-settings')
  @Authenticated({ audience: 'tenant', permission: 'telephony:read' })
  @ZodResponse(200, TelephonySettingsViewSchema, 'Time zone, holidays, recording policy, prompts')
  @StandardErrors()
  settings(@CurrentTenant() p: TenantPrincipal): Promise<Record<string, unknown>> {
    return this.telephony.getSettings(p.tenantId);
  }
}
