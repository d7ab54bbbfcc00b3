import { Injectable } from '@nestjs/common';
import { AppError, ErrorKind, parseOrThrow } from '@cc/platform';
import { IANAZone } from 'luxon';
import type { Campaign, Prisma } from '../../generated/prisma/client';
import { CampaignDatabase } from '../../infrastructure/campaign-database';
import { Clock } from '../../infrastructure/clock';
import { newId } from '../../infrastructure/id.util';
import { DEFAULT_RETRY_RULES } from '../contacts/retry-rules.util';
import { CampaignStateChanged } from './campaign.events';
import { CreateCampaignSchema, ListQuerySchema, UpdateCampaignSchema } from './campaign.schema';
import { type CampaignCommand, type CampaignState, transition } from './campaign-state.util';
import { CampaignFacts } from './campaign-facts.publisher';

@Injectable()
export class CampaignsService {
  constructor(
    private readonly database: CampaignDatabase,
    private readonly facts: CampaignFacts,
    private readonly clock: Clock,
  ) {}

  async create(body: unknown): Promise<Campaign> {
    const input = parseOrThrow(CreateCampaignSchema, body, 'body');
    if (input.cadence && !IANAZone.isValidZone(input.cadence.zone)) {
      throw AppError.invalid([
        { field: 'body.cadence.zone', rule: 'time_zone', message: 'is not an IANA time zone' },
      ]);
    }
    return this.database.tenant((tx, tenantId) =>
      tx.campaign.create({
        data: {
          id: newId('cmp'),
          tenantId,
          name: input.name,
          mode: input.mode,
          queueId: input.queueId,
          callerId: input.callerId,
          trunkId: input.trunkId ?? null,
          ringTimeoutSeconds: input.ringTimeoutSeconds,
          maxAttempts: input.maxAttempts,
          abandonLimit: input.abandonLimit,
          retryRules: { ...DEFAULT_RETRY_RULES, ...input.retryRules } as unknown as Prisma.InputJsonObject,
          restrictions: input.restrictions,
          priorityKeys: input.priorityKeys,
          ...(input.cadence ? { cadence: input.cadence } : {}),
        },
      }),
    );
  }

  async list(query: unknown): Promise<Campaign[]> {
    const q = parseOrThrow(ListQuerySchema, query, 'query');
    return this.database.tenant((tx) =>
      tx.campaign.findMany({
        where: q.state ? { state: q.state } : {},
        orderBy: { id: 'asc' },
        take: q.limit,
      }),
    );
  }

  async get(id: string): Promise<Campaign> {
    const found = await this.database.tenant((tx) => tx.campaign.findFirst({ where: { id } }));
    if (!found) throw AppError.notFound('campaign', id);
    return found;
  }

  async update(id: string, body: unknown): Promise<Campaign> {
    const input = parseOrThrow(UpdateCampaignSchema, body, 'body');
    return this.database.tenant(async (tx) => {
      const current = await tx.campaign.findFirst({ where: { id } });
      if (!current) throw AppError.notFound('campaign', id);
      if (current.state === 'stopped') {
        throw new AppError(ErrorKind.Conflict, `campaign ${id} is stopped`, { code: 'campaign.stopped' });
      }
      const data: Prisma.CampaignUpdateInput = { version: { increment: 1 } };
      if (input.name !== undefined) data.name = input.name;
      if (input.mode !== undefined) data.mode = input.mode;
      if (input.queueId !== undefined) data.queueId = input.queueId;
      if (input.callerId !== undefined) data.callerId = input.callerId;
      if (input.trunkId !== undefined) data.trunkId = input.trunkId;
      if (input.ringTimeoutSeconds !== undefined) data.ringTimeoutSeconds = input.ringTimeoutSeconds;
      if (input.maxAttempts !== undefined) data.maxAttempts = input.maxAttempts;
      if (input.abandonLimit !== undefined) data.abandonLimit = input.abandonLimit;
      if (input.retryRules !== undefined) {
        data.retryRules = { ...(current.retryRules as object), ...input.retryRules };
      }
      if (input.restrictions !== undefined) data.restrictions = input.restrictions;
      if (input.priorityKeys !== undefined) data.priorityKeys = input.priorityKeys;
      if (input.cadence !== undefined) data.cadence = input.cadence;
      return tx.campaign.update({ where: { id: current.id }, data });
    });
  }

  /** start / pause / resume / stop; a command that does not apply is 409 naming both states. */
  async command(id: string, command: CampaignCommand): Promise<Campaign> {
    const { campaign, from, tenantId } = await this.database.tenant(async (tx, tenantId) => {
      const current = await tx.campaign.findFirst({ where: { id } });
      if (!current) throw AppError.notFound('campaign', id);
      const from = current.state as CampaignState;
      const to = transition(from, command);
      if (!to) {
        throw new AppError(ErrorKind.Conflict, `cannot ${command} a campaign that is ${from}`, {
          code: 'campaign.invalid_transition',
        });
      }
      const updated = await tx.campaign.update({
        where: { id: current.id },
        data: { state: to, version: { increment: 1 }, updatedAt: this.clock.now() },
      });
      return { campaign: updated, from, tenantId };
    });
    await this.facts.publish(CampaignStateChanged, tenantId, {
      campaignId: campaign.id,
      from,
      to: campaign.state as CampaignState,
    });
    return campaign;
  }
}
