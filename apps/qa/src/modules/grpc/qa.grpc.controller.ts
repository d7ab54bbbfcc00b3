import { Controller } from '@nestjs/common';
import { QaV1 } from '@cc/contracts';
import { AppError, parseRequest } from '@cc/platform';
import { z } from 'zod';
import { QaDatabase } from '../../infrastructure/qa-database';
import type { CheckResult } from '../auto-checks/auto-check.model';
import { CallsRepository } from '../calls/calls.repository';
import { EvaluationsService } from '../evaluations/evaluations.service';
import { ScoresService } from '../scores/scores.service';
import { RefIdSchema } from '../settings/qa-settings.model';
import { ListWorkItemsSchema, WorkItemsService } from '../work-items/work-items.service';
import {
  agentScoreToProto,
  checkToProto,
  evaluationToProto,
  workItemStatusFromProto,
  workItemToProto,
} from './qa-grpc.mapper';

const AgentScoresSchema = z.object({ agentIds: z.array(RefIdSchema).min(1).max(1000) });
const IdSchema = (field: string) => z.object({ [field]: RefIdSchema });

/**
 * qa's gRPC face (acd asks for agent scores; the gateway for queues, evaluations and checks).
 * Thin: the tenant comes from the `x-tenant-id` metadata, errors map to statuses in the kit.
 */
@Controller()
@QaV1.QaServiceControllerMethods()
export class QaGrpcController implements QaV1.QaServiceController {
  constructor(
    private readonly scores: ScoresService,
    private readonly workItems: WorkItemsService,
    private readonly evaluations: EvaluationsService,
    private readonly database: QaDatabase,
    private readonly calls: CallsRepository,
  ) {}

  async getAgentScores(request: QaV1.GetAgentScoresRequest): Promise<QaV1.GetAgentScoresResponse> {
    const { agentIds } = parseRequest(AgentScoresSchema, request);
    const { windowDays, scores } = await this.scores.current(agentIds);
    return { windowDays, scores: scores.map(agentScoreToProto) };
  }

  async listWorkItems(request: QaV1.ListWorkItemsRequest): Promise<QaV1.ListWorkItemsResponse> {
    const status = workItemStatusFromProto(request.status);
    const pageSize = request.page?.pageSize ?? 0;
    const query = parseRequest(ListWorkItemsSchema, {
      ...(request.analystId ? { analystId: request.analystId } : {}),
      ...(status ? { status } : {}),
      limit: pageSize === 0 ? 50 : Math.min(pageSize, 200),
      ...(request.page?.cursor ? { cursor: request.page.cursor } : {}),
    });
    const page = await this.workItems.listParsed(query);
    return { items: page.items.map(workItemToProto), page: { nextCursor: page.nextCursor ?? '' } };
  }

  async getEvaluation(request: QaV1.GetEvaluationRequest): Promise<QaV1.GetEvaluationResponse> {
    parseRequest(IdSchema('evaluationId'), request);
    return { evaluation: evaluationToProto(await this.evaluations.get(request.evaluationId)) };
  }

  async getCallChecks(request: QaV1.GetCallChecksRequest): Promise<QaV1.GetCallChecksResponse> {
    parseRequest(IdSchema('callId'), request);
    const row = await this.database.tenant((tx, tenantId) => this.calls.get(tx, tenantId, request.callId));
    if (!row) throw AppError.notFound('call', request.callId);
    return {
      callId: row.callId,
      agentId: row.agentId ?? '',
      checks: ((row.checks as CheckResult[] | null) ?? []).map(checkToProto),
      recordingId: row.recordingId ?? '',
    };
  }
}
