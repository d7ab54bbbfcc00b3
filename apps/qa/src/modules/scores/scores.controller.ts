import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { TenantApi } from '@cc/platform';
import { ScoresService } from './scores.service';

/** Agents' and teams' quality scores over time; an agent's team and first day. */
@Controller('v1/qa')
@TenantApi()
export class ScoresController {
  constructor(private readonly scores: ScoresService) {}

  @Get('agents/:agentId/scores')
  agentScores(@Param('agentId') agentId: string, @Query() query: unknown) {
    return this.scores.agentOverTime(agentId, query);
  }

  @Put('agents/:agentId')
  setAgent(@Param('agentId') agentId: string, @Body() body: unknown) {
    return this.scores.setProfile(agentId, body);
  }

  @Get('teams/:teamId/scores')
  teamScores(@Param('teamId') teamId: string, @Query() query: unknown) {
    return this.scores.teamOverTime(teamId, query);
  }
}
