import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal } from '../auth/authenticated.decorator';
import type { Principal } from '../auth/principal.type';
import { StandardErrors, ZodBody, ZodQuery, ZodResponse } from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import { ExistingTenantPipe } from '../tenants/tenants.service';
import { TelephonyAdminService } from './telephony-admin.service';
import {
  DidSchema,
  DidViewSchema,
  FlowIdSchema,
  FlowViewSchema,
  PutDidSchema,
  SaveFlowSchema,
  TelephonySettingsSchema,
  TelephonySettingsViewSchema,
  type DidView,
  type FlowView,
  type PutDid,
  type SaveFlow,
  type TelephonySettings,
} from './telephony.schema';

/** The operator assigns phone numbers, IVR flows and telephony policy to tenants. */
@ApiTags('tenant telephony')
@Controller('admin/v1/tenants/:tenantId')
export class TelephonyAdminController {
  constructor(private readonly telephony: TelephonyAdminService) {}

  @Get('dids')
  @Authenticated({ audience: 'operator' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(DidViewSchema), 'The tenant’s DIDs')
  @StandardErrors()
  listDids(
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<DidView>> {
    return this.telephony.listDids(tenantId, q);
  }

  /** Assigns a DID to the tenant (201), or points it at another of its flows (200); 409 if another tenant has it. */
  @Put('dids/:did')
  @Authenticated({ audience: 'operator' })
  @ZodBody(PutDidSchema)
  @ZodResponse(200, DidViewSchema, 'Changed (201 when newly assigned)')
  @StandardErrors()
  async putDid(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('did', new ZodValidationPipe(DidSchema, 'path.did')) did: string,
    @Body(new ZodValidationPipe(PutDidSchema, 'body')) body: PutDid,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DidView> {
    const result = await this.telephony.putDid(p.id, tenantId, did, body);
    res.status(result.created ? 201 : 200);
    return result.did;
  }

  @Delete('dids/:did')
  @HttpCode(204)
  @Authenticated({ audience: 'operator' })
  @ZodResponse(204, undefined, 'Released')
  @StandardErrors()
  removeDid(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('did', new ZodValidationPipe(DidSchema, 'path.did')) did: string,
  ): Promise<void> {
    return this.telephony.removeDid(p.id, tenantId, did);
  }

  /** Saves a new version of the flow (the first creates it); a bad flow is refused whole. */
  @Put('ivr-flows/:flowId')
  @Authenticated({ audience: 'operator' })
  @ZodBody(SaveFlowSchema)
  @ZodResponse(200, FlowViewSchema, 'Saved as a new version')
  @StandardErrors()
  saveFlow(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Param('flowId', new ZodValidationPipe(FlowIdSchema, 'path.flowId')) flowId: string,
    @Body(new ZodValidationPipe(SaveFlowSchema, 'body')) body: SaveFlow,
  ): Promise<FlowView> {
    return this.telephony.saveFlow(p.id, tenantId, flowId, body);
  }

  @Put('telephony-settings')
  @Authenticated({ audience: 'operator' })
  @ZodBody(TelephonySettingsSchema)
  @ZodResponse(200, TelephonySettingsViewSchema, 'Saved')
  @StandardErrors()
  putSettings(
    @CurrentPrincipal() p: Principal,
    @Param('tenantId', ExistingTenantPipe) tenantId: string,
    @Body(new ZodValidationPipe(TelephonySettingsSchema, 'body')) body: TelephonySettings,
  ): Promise<Record<string, unknown>> {
    return this.telephony.putSettings(p.id, tenantId, body);
  }
}
