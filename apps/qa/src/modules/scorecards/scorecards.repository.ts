import { Injectable } from '@nestjs/common';
import type { Scorecard } from '../../generated/prisma/client';
import type { QaTx } from '../../infrastructure/qa-database';
import type { ScorecardDefinition, ScorecardVersion } from './scorecard.model';

function toVersion(row: Scorecard): ScorecardVersion {
  return {
    scorecardId: row.id,
    version: row.version,
    definition: row.definition as unknown as ScorecardDefinition,
    createdAt: row.createdAt,
  };
}

/** Scorecard versions: inserted, never updated. */
@Injectable()
export class ScorecardsRepository {
  async insert(
    tx: QaTx,
    tenantId: string,
    scorecardId: string,
    version: number,
    definition: ScorecardDefinition,
  ) {
    const row = await tx.scorecard.create({
      data: {
        tenantId,
        id: scorecardId,
        version,
        name: definition.name,
        definition: definition,
      },
    });
    return toVersion(row);
  }

  async latest(tx: QaTx, tenantId: string, scorecardId: string): Promise<ScorecardVersion | undefined> {
    const row = await tx.scorecard.findFirst({
      where: { tenantId, id: scorecardId },
      orderBy: { version: 'desc' },
    });
    return row ? toVersion(row) : undefined;
  }

  async version(
    tx: QaTx,
    tenantId: string,
    scorecardId: string,
    version: number,
  ): Promise<ScorecardVersion | undefined> {
    const row = await tx.scorecard.findUnique({
      where: { tenantId_id_version: { tenantId, id: scorecardId, version } },
    });
    return row ? toVersion(row) : undefined;
  }

  /** The latest version of every scorecard of the tenant, by name. */
  async listLatest(tx: QaTx, tenantId: string): Promise<ScorecardVersion[]> {
    const rows = await tx.scorecard.findMany({
      where: { tenantId },
      distinct: ['id'],
      orderBy: [{ id: 'asc' }, { version: 'desc' }],
    });
    return rows.map(toVersion).sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  }

  async versions(tx: QaTx, tenantId: string, scorecardId: string): Promise<number[]> {
    const rows = await tx.scorecard.findMany({
      where: { tenantId, id: scorecardId },
      select: { version: true },
      orderBy: { version: 'asc' },
    });
    return rows.map((r) => r.version);
  }
}
