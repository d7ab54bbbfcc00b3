import { Injectable } from '@nestjs/common';
import type { FieldViolation } from '@cc/contracts';
import { AppError, ErrorKind } from '@cc/platform';
import { TelephonyDatabase, type TelephonyTx } from '../../infrastructure/telephony-database';
import type { IvrFlowDefinition } from '../flows/ivr-flow.schema';
import { validateIvrFlow } from '../flows/ivr-flow.validation';
import {
  DEFAULT_TENANT_SETTINGS,
  type EntryPointTarget,
  type TenantTelephonySettings,
} from './entry-point.types';

export interface DidRecord {
  did: string;
  flowId: string;
  label: string;
  updatedAt: string;
}

export interface FlowRecord {
  flowId: string;
  name: string;
  version: number;
  definition: IvrFlowDefinition;
  updatedAt: string;
}

export type FlowSummary = Omit<FlowRecord, 'definition'>;

/** Listeners told after a committed change (the entry-point cache drops what it holds). */
export type EntryPointsChanged = () => void;

/**
 * DIDs, IVR flows and tenant telephony settings in Postgres. Writes run in the caller's tenant
 * (TenantContext) and are validated before the transaction starts, so a refused flow writes nothing.
 */
@Injectable()
export class EntryPointsRepository {
  private readonly listeners: EntryPointsChanged[] = [];

  constructor(private readonly database: TelephonyDatabase) {}

  onChange(listener: EntryPointsChanged): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  // ------------------------------------------------------------------ DIDs

  listDids(): Promise<DidRecord[]> {
    return this.database.db.tenant(async (tx, tenantId) =>
      (await tx.did.findMany({ where: { tenantId }, orderBy: { did: 'asc' } })).map(didOf),
    );
  }

  async getDid(did: string): Promise<DidRecord> {
    const row = await this.database.db.tenant((tx, tenantId) =>
      tx.did.findFirst({ where: { did, tenantId } }),
    );
    if (!row) throw AppError.notFound('DID', did);
    return didOf(row);
  }

  /**
   * Points a DID at one of the tenant's flows, claiming it when new. A DID another tenant owns is a
   * conflict that says no more than that (its owner stays invisible).
   */
  async putDid(
    did: string,
    input: { flowId: string; label: string },
  ): Promise<{ record: DidRecord; created: boolean }> {
    const result = await this.database.db
      .tenant(async (tx, tenantId) => {
        await requireFlow(tx, tenantId, input.flowId, 'body.flowId');
        const updated = await tx.did.updateMany({
          where: { did, tenantId },
          data: { flowId: input.flowId, label: input.label },
        });
        if (updated.count === 0) {
          // The primary key spans all tenants while RLS hides other tenants' rows: a DID someone
          // else owns surfaces as a unique violation (mapped to 409 below), revealing nothing more.
          await tx.did.create({ data: { did, tenantId, flowId: input.flowId, label: input.label } });
        }
        const row = await tx.did.findFirstOrThrow({ where: { did, tenantId } });
        return { record: didOf(row), created: updated.count === 0 };
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? didTaken(did) : error;
      });
    this.changed();
    return result;
  }

  async deleteDid(did: string): Promise<void> {
    const deleted = await this.database.db.tenant((tx, tenantId) =>
      tx.did.deleteMany({ where: { did, tenantId } }),
    );
    if (deleted.count === 0) throw AppError.notFound('DID', did);
    this.changed();
  }

  // ------------------------------------------------------------------ flows

  listFlows(): Promise<FlowSummary[]> {
    return this.database.db.tenant(async (tx, tenantId) =>
      (await tx.ivrFlow.findMany({ where: { tenantId }, orderBy: { flowId: 'asc' } })).map((f) => ({
        flowId: f.flowId,
        name: f.name,
        version: f.currentVersion,
        updatedAt: f.updatedAt.toISOString(),
      })),
    );
  }

  async getFlow(flowId: string, version?: number): Promise<FlowRecord> {
    const found = await this.database.db.tenant(async (tx, tenantId) => {
      const flow = await tx.ivrFlow.findFirst({ where: { tenantId, flowId } });
      if (!flow) return undefined;
      const v = await tx.ivrFlowVersion.findFirst({
        where: { tenantId, flowId, version: version ?? flow.currentVersion },
      });
      return v ? { flow, v } : undefined;
    });
    if (!found) throw AppError.notFound(version ? `IVR flow version ${version} of` : 'IVR flow', flowId);
    return {
      flowId,
      name: found.flow.name,
      version: found.v.version,
      definition: found.v.definition as IvrFlowDefinition,
      updatedAt: found.v.createdAt.toISOString(),
    };
  }

  /**
   * Saves a new version of a flow (the first one creates it). The whole definition is validated
   * first; `expectedVersion`, when given, refuses a save based on a stale read.
   */
  async saveFlow(
    flowId: string,
    input: { name: string; definition: unknown; expectedVersion: number | undefined },
  ): Promise<FlowRecord> {
    const validation = validateIvrFlow(input.definition);
    if (!validation.ok) {
      throw AppError.invalid(
        validation.violations.map((v) => ({ ...v, field: `body.definition.${v.field}` })),
        'the IVR flow is invalid',
      );
    }
    const definition = validation.flow;
    const saved = await this.database.db
      .tenant(async (tx, tenantId) => {
        const current = await tx.ivrFlow.findFirst({ where: { tenantId, flowId } });
        const currentVersion = current?.currentVersion ?? 0;
        if (input.expectedVersion !== undefined && input.expectedVersion !== currentVersion) {
          throw new AppError(
            ErrorKind.Conflict,
            `IVR flow ${flowId} is at version ${currentVersion}, not ${input.expectedVersion}`,
            {
              code: 'telephony.flow_version_conflict',
              violations: [
                {
                  field: 'body.expectedVersion',
                  rule: 'stale',
                  message: `current version is ${currentVersion}`,
                },
              ],
            },
          );
        }
        const version = currentVersion + 1;
        if (current) {
          // Compare-and-set on the version: two concurrent saves cannot both become version n+1.
          const moved = await tx.ivrFlow.updateMany({
            where: { tenantId, flowId, currentVersion },
            data: { currentVersion: version, name: input.name },
          });
          if (moved.count === 0)
            throw new AppError(ErrorKind.Conflict, `IVR flow ${flowId} changed meanwhile`);
        } else {
          await tx.ivrFlow.create({ data: { tenantId, flowId, name: input.name, currentVersion: version } });
        }
        const row = await tx.ivrFlowVersion.create({
          data: { tenantId, flowId, version, definition: definition },
        });
        return { version, createdAt: row.createdAt };
      })
      .catch(rethrowUnique(flowId));
    this.changed();
    return {
      flowId,
      name: input.name,
      version: saved.version,
      definition,
      updatedAt: saved.createdAt.toISOString(),
    };
  }

  /** Deletes a flow and its versions; refused while a DID still starts it. */
  async deleteFlow(flowId: string): Promise<void> {
    await this.database.db.tenant(async (tx, tenantId) => {
      const dids = await tx.did.findMany({ where: { tenantId, flowId }, select: { did: true } });
      if (dids.length > 0) {
        throw new AppError(
          ErrorKind.Conflict,
          `IVR flow ${flowId} is started by ${dids.map((d) => d.did).join(', ')}`,
          { code: 'telephony.flow_in_use' },
        );
      }
      const deleted = await tx.ivrFlow.deleteMany({ where: { tenantId, flowId } });
      if (deleted.count === 0) throw AppError.notFound('IVR flow', flowId);
    });
    this.changed();
  }

  // ------------------------------------------------------------------ settings

  async getSettings(): Promise<TenantTelephonySettings> {
    const row = await this.database.db.tenant((tx, tenantId) =>
      tx.tenantSettings.findUnique({ where: { tenantId } }),
    );
    return row ? settingsOf(row) : DEFAULT_TENANT_SETTINGS;
  }

  async putSettings(settings: TenantTelephonySettings): Promise<TenantTelephonySettings> {
    const data = {
      timeZone: settings.timeZone,
      holidays: settings.holidays,
      recordCalls: settings.recordCalls,
      consentPrompt: settings.consentPrompt ?? [],
      safeHarbourPrompt: settings.safeHarbourPrompt,
      announceEverySeconds: settings.announceEverySeconds,
    };
    const row = await this.database.db.tenant((tx, tenantId) =>
      tx.tenantSettings.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data }),
    );
    this.changed();
    return settingsOf(row);
  }

  // ------------------------------------------------------------------ the call path

  /** DID -> tenant, flow and settings: operator-wide, since an incoming call names no tenant. */
  findEntryPoint(did: string): Promise<EntryPointTarget | undefined> {
    return this.database.db.operator(async (tx) => {
      const row = await tx.did.findUnique({ where: { did } });
      if (!row) return undefined;
      const flow = await tx.ivrFlow.findFirst({ where: { tenantId: row.tenantId, flowId: row.flowId } });
      if (!flow) return undefined;
      const version = await tx.ivrFlowVersion.findFirst({
        where: { tenantId: row.tenantId, flowId: row.flowId, version: flow.currentVersion },
      });
      if (!version) return undefined;
      const settings = await tx.tenantSettings.findUnique({ where: { tenantId: row.tenantId } });
      return {
        tenantId: row.tenantId,
        did,
        flowId: row.flowId,
        flowVersion: version.version,
        flow: version.definition as IvrFlowDefinition,
        settings: settings ? settingsOf(settings) : DEFAULT_TENANT_SETTINGS,
      };
    });
  }

  findSettings(tenantId: string): Promise<TenantTelephonySettings> {
    return this.database.db.operator(async (tx) => {
      const row = await tx.tenantSettings.findUnique({ where: { tenantId } });
      return row ? settingsOf(row) : DEFAULT_TENANT_SETTINGS;
    });
  }
}

async function requireFlow(tx: TelephonyTx, tenantId: string, flowId: string, field: string): Promise<void> {
  const flow = await tx.ivrFlow.findFirst({ where: { tenantId, flowId }, select: { flowId: true } });
  if (!flow) {
    throw AppError.invalid([
      { field, rule: 'exists', message: `IVR flow "${flowId}" does not exist` } satisfies FieldViolation,
    ]);
  }
}

function didTaken(did: string): AppError {
  return new AppError(ErrorKind.AlreadyExists, `DID ${did} is already in use`, {
    code: 'telephony.did_taken',
    violations: [{ field: 'did', rule: 'unique', message: 'is already in use' }],
  });
}

/** A unique violation that slipped between check and insert (a concurrent claim) is the same conflict. */
function rethrowUnique(id: string): (error: unknown) => never {
  return (error: unknown) => {
    if (isUniqueViolation(error)) {
      throw new AppError(ErrorKind.AlreadyExists, `${id} is already in use`, { code: 'telephony.conflict' });
    }
    throw error;
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

function didOf(row: { did: string; flowId: string; label: string; updatedAt: Date }): DidRecord {
  return { did: row.did, flowId: row.flowId, label: row.label, updatedAt: row.updatedAt.toISOString() };
}

function settingsOf(row: {
  timeZone: string;
  holidays: string[];
  recordCalls: boolean;
  consentPrompt: string[];
  safeHarbourPrompt: string[];
  announceEverySeconds: number;
}): TenantTelephonySettings {
  return {
    timeZone: row.timeZone,
    holidays: row.holidays,
    recordCalls: row.recordCalls,
    consentPrompt: row.consentPrompt.length > 0 ? row.consentPrompt : undefined,
    safeHarbourPrompt: row.safeHarbourPrompt,
    announceEverySeconds: row.announceEverySeconds,
  };
}
