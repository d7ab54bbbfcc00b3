import { Injectable } from '@nestjs/common';
import { AppError } from '@cc/platform';
import { QaDatabase, type QaTx } from '../../infrastructure/qa-database';
import { newId } from '../../infrastructure/id.util';
import type { ScorecardVersion } from './scorecard.model';
import { type ScorecardCheck, validateScorecard } from './scorecard-validation.util';
import { ScorecardsRepository } from './scorecards.repository';

@Injectable()
export class ScorecardsService {
  constructor(
    private readonly database: QaDatabase,
    private readonly scorecards: ScorecardsRepository,
  ) {}

  /** Checks a form without saving it: every problem with its reason. */
  validate(body: unknown): ScorecardCheck {
    return validateScorecard(body, 'body');
  }

  /** Creates a scorecard at version 1; a bad form is refused with every reason. */
  create(body: unknown): Promise<ScorecardVersion> {
    const definition = this.parse(body);
    return this.database.tenant((tx, tenantId) =>
      this.scorecards.insert(tx, tenantId, newId('sc'), 1, definition),
    );
  }

  /** A change is a new version; evaluations keep the version they were scored on. */
  publishVersion(scorecardId: string, body: unknown): Promise<ScorecardVersion> {
    const definition = this.parse(body);
    return this.database.tenant(async (tx, tenantId) => {
      const latest = await this.scorecards.latest(tx, tenantId, scorecardId);
      if (!latest) throw AppError.notFound('scorecard', scorecardId);
      // Two concurrent publishers: the second insert hits the primary key and ends as a 409.
      return this.scorecards.insert(tx, tenantId, scorecardId, latest.version + 1, definition);
    });
  }

  get(scorecardId: string, version?: number): Promise<ScorecardVersion & { versions: number[] }> {
    return this.database.tenant(async (tx, tenantId) => {
      const found = await this.find(tx, tenantId, scorecardId, version);
      return { ...found, versions: await this.scorecards.versions(tx, tenantId, scorecardId) };
    });
  }

  list(): Promise<ScorecardVersion[]> {
    return this.database.tenant((tx, tenantId) => this.scorecards.listLatest(tx, tenantId));
  }

  /** A version (the latest when none is named) inside the caller's transaction, or 404. */
  async find(tx: QaTx, tenantId: string, scorecardId: string, version?: number): Promise<ScorecardVersion> {
    const found =
      version === undefined
        ? await this.scorecards.latest(tx, tenantId, scorecardId)
        : await this.scorecards.version(tx, tenantId, scorecardId, version);
    if (!found) {
      throw AppError.notFound(
        'scorecard',
        version === undefined ? scorecardId : `${scorecardId} version ${version}`,
      );
    }
    return found;
  }

  private parse(body: unknown) {
    const check = validateScorecard(body, 'body');
    if (!check.ok) throw AppError.invalid(check.violations);
    return check.definition;
  }
}
