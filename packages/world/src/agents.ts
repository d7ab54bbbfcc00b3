import { AcdV1 } from '@cc/contracts';
import { requestJson } from './http';
import type { AcdClient } from './provision';
import type { Random } from './random';
import type { WorldSpec } from './scenario';

const { AgentState } = AcdV1;

/**
 * The agents' side: phones that ring for a while before the agent answers (the simulator's endpoint
 * behaviour), log-in, and breaks taken between calls through acd, as an agent desktop would.
 */
export class AgentDriver {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  breaksTaken = 0;

  constructor(
    private readonly world: WorldSpec,
    private readonly acd: AcdClient,
    private readonly simUrl: string,
    private readonly random: Random,
    private readonly timeScale: number,
  ) {}

  async start(): Promise<void> {
    await requestJson('PUT', `${this.simUrl}/sim/v1/endpoints/PJSIP/agent-*`, {
      body: { answerAfterMs: Math.round(this.world.agentAnswerS * 1000) },
    });
    for (const agent of this.world.agents) {
      await this.acd.setAgentState({
        agentId: agent.id,
        state: AgentState.AGENT_STATE_AVAILABLE,
        reasonCode: '',
        expectedVersion: 0,
      });
    }
    this.scheduleBreak();
  }

  private later(scenarioS: number, fn: () => Promise<void>): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.stopped) void fn().catch(() => undefined);
      },
      (scenarioS * 1000) / this.timeScale,
    );
    this.timers.add(timer);
  }

  /** Breaks arrive as a Poisson process over the whole team; an agent busy on a call is skipped. */
  private scheduleBreak(): void {
    const breaks = this.world.breaks;
    if (!breaks || this.world.agents.length === 0) return;
    this.later(this.random.exponential(breaks.meanEveryS / this.world.agents.length), async () => {
      this.scheduleBreak();
      const agent = this.random.pick(this.world.agents);
      const current = await this.acd.getAgentState({ agentId: agent.id });
      const status = current.status;
      if (status?.state !== AgentState.AGENT_STATE_AVAILABLE) return;
      const onBreak = await this.acd.setAgentState({
        agentId: agent.id,
        state: AgentState.AGENT_STATE_NOT_READY,
        reasonCode: 'break',
        expectedVersion: status.version,
      });
      this.breaksTaken++;
      this.later(this.random.exponential(breaks.meanLengthS), async () => {
        await this.acd.setAgentState({
          agentId: agent.id,
          state: AgentState.AGENT_STATE_AVAILABLE,
          reasonCode: '',
          expectedVersion: onBreak.status?.version ?? 0,
        });
      });
    });
  }

  async stop(logOut: boolean): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!logOut) return;
    await Promise.allSettled(
      this.world.agents.map((a) =>
        this.acd.setAgentState({
          agentId: a.id,
          state: AgentState.AGENT_STATE_LOGGED_OUT,
          reasonCode: 'end_of_demo',
          expectedVersion: 0,
        }),
      ),
    );
  }
}
