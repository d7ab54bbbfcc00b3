import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind } from '@cc/platform';
import { AuditService } from '../audit/audit.service';
import { pageOfList, type Page, type PageQuery } from '../http/pagination.util';
import { HttpUpstreams } from '../upstreams/http-upstreams';
import type { DidView, FlowSummary, FlowView, PutDid, SaveFlow, TelephonySettings } from './telephony.schema';

/**
 * DIDs, IVR flows and telephony settings, kept by telephony and reached over its internal REST API
 * (docs/adr/0014). Tenants read their own; changes are the operator's (numbers cost money and route
 * calls), each audited under the tenant.
 */
@Injectable()
export class TelephonyAdminService {
  constructor(
    private readonly upstreams: HttpUpstreams,
    private readonly audit: AuditService,
  ) {}

  private get telephony() {
    return this.upstreams.telephony;
  }

  async listDids(tenantId: string, query: PageQuery): Promise<Page<DidView>> {
    const { body } = await this.telephony.json<{ items: DidView[] }>({
      method: 'GET',
      path: 'v1/dids',
      tenantId,
    });
    return pageOfList(body.items, query, (d) => d.did);
  }

  async getDid(tenantId: string, did: string): Promise<DidView> {
    const { body } = await this.telephony.json<DidView>({
      method: 'GET',
      path: `v1/dids/${encodeURIComponent(did)}`,
      tenantId,
    });
    return body;
  }

  /** Assigns a DID to the tenant (or points it at another flow): `created` when newly assigned. */
  async putDid(
    actor: string,
    tenantId: string,
    did: string,
    input: PutDid,
  ): Promise<{ did: DidView; created: boolean }> {
    const { status, body } = await this.telephony.json<DidView>({
      method: 'PUT',
      path: `v1/dids/${encodeURIComponent(did)}`,
      tenantId,
      body: input,
    });
    const created = status === 201;
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: created ? 'did.assigned' : 'did.updated',
      resourceType: 'did',
      resourceId: did,
      after: body,
    });
    return { did: body, created };
  }

  async removeDid(actor: string, tenantId: string, did: string): Promise<void> {
    const before = await this.getDid(tenantId, did);
    await this.telephony.json({ method: 'DELETE', path: `v1/dids/${encodeURIComponent(did)}`, tenantId });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'did.released',
      resourceType: 'did',
      resourceId: did,
      before,
    });
  }

  async listFlows(tenantId: string, query: PageQuery): Promise<Page<FlowSummary>> {
    const { body } = await this.telephony.json<{ items: FlowSummary[] }>({
      method: 'GET',
      path: 'v1/ivr-flows',
      tenantId,
    });
    return pageOfList(body.items, query, (f) => f.flowId);
  }

  async getFlow(tenantId: string, flowId: string, version: number | undefined): Promise<FlowView> {
    const { body } = await this.telephony.json<FlowView>({
      method: 'GET',
      path: `v1/ivr-flows/${encodeURIComponent(flowId)}`,
      tenantId,
      query: { version },
    });
    return body;
  }

  /** Checks a flow as saving would (telephony's graph rules), without saving it. */
  async validateFlow(tenantId: string, definition: unknown): Promise<{ valid: true; flow: unknown }> {
    try {
      const { body } = await this.telephony.json<{ valid: true; flow: unknown }>({
        method: 'POST',
        path: 'v1/ivr-flows/validate',
        tenantId,
        body: definition,
      });
      return body;
    } catch (error) {
      // telephony names the flow's own fields (`steps.menu.next`): here the flow is the body.
      if (error instanceof AppError && error.kind === ErrorKind.InvalidArgument)
        throw AppError.invalid(
          error.violations.map((v) => ({
            ...v,
            field: v.field.startsWith('body') ? v.field : `body.${v.field}`,
          })),
          error.message,
        );
      throw error;
    }
  }

  async saveFlow(actor: string, tenantId: string, flowId: string, input: SaveFlow): Promise<FlowView> {
    const { body } = await this.telephony.json<FlowView>({
      method: 'PUT',
      path: `v1/ivr-flows/${encodeURIComponent(flowId)}`,
      tenantId,
      body: input,
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'ivr_flow.saved',
      resourceType: 'ivr_flow',
      resourceId: flowId,
      after: { version: body.version, name: body.name },
    });
    return body;
  }

  async getSettings(tenantId: string): Promise<Record<string, unknown>> {
    const { body } = await this.telephony.json<Record<string, unknown>>({
      method: 'GET',
      path: 'v1/telephony-settings',
      tenantId,
    });
    return body;
  }

  async putSettings(
    actor: string,
    tenantId: string,
    input: TelephonySettings,
  ): Promise<Record<string, unknown>> {
    const before = await this.getSettings(tenantId);
    const { body } = await this.telephony.json<Record<string, unknown>>({
      method: 'PUT',
      path: 'v1/telephony-settings',
      tenantId,
      body: input,
    });
    await this.audit.recordAfter({
      tenantId,
      actor,
      action: 'telephony_settings.updated',
      resourceType: 'telephony_settings',
      resourceId: tenantId,
      before,
      after: body,
    });
    return body;
  }
}
