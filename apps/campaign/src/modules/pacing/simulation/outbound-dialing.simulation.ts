import { AbandonmentLedger, REGULATORY_WINDOWS } from '../../ledger/abandonment-ledger';
import { DEFAULT_PACING_PRIOR, PacingStatistics } from '../pacing-statistics';
import type { AgentView, PacingMode } from '../pacing.types';
import { DEFAULT_PREDICTIVE, PredictivePacer, type PredictivePacerOptions } from '../predictive.pacer';
import { PreviewPacer, ProgressivePacer } from '../progressive.pacer';
import { EventQueue } from './event-queue';
import { SeededRandom } from './random.util';

/** The outbound model of SCENARIOS.md section 5, with its defaults. */
export interface DialingScenario {
  readonly mode: PacingMode;
  readonly agents: number;
  /** P(a dial reaches a live person). */
  readonly answerRate: number;
  /** From `answerRateStep.atHour` on, the answer rate is `answerRateStep.answerRate`. */
  readonly answerRateStep?: { readonly answerRate: number; readonly atHour: number };
  readonly ringMeanSec: number;
  /** Shape of the Gamma ring time of live answers (the scenario gives only its mean). */
  readonly ringShape: number;
  readonly giveUpSec: number;
  readonly talkMeanSec: number;
  readonly wrapSec: number;
  readonly connectGraceSec: number;
  /** Preview mode: seconds an agent reads a record before dialing. */
  readonly previewSec: number;
  readonly hours: number;
  readonly seed: number;
  readonly abandonLimit: number;
  readonly predictive?: Partial<Omit<PredictivePacerOptions, 'guard'>>;
}

export const SECTION_5: Omit<DialingScenario, 'mode'> = {
  agents: 20,
  answerRate: 0.3,
  ringMeanSec: 15,
  ringShape: 4,
  giveUpSec: 25,
  talkMeanSec: 120,
  wrapSec: 15,
  connectGraceSec: 2,
  previewSec: 10,
  hours: 150,
  seed: 1,
  abandonLimit: 0.03,
};

export interface DialingResult {
  readonly mode: PacingMode;
  readonly agents: number;
  readonly hours: number;
  /** (talk + wrap-up) / logged-in agent time. */
  readonly occupancy: number;
  /** Live answers (connected or abandoned) per agent-hour: the scenario table's "live contacts". */
  readonly contactsPerAgentHour: number;
  /** Live answers connected to an agent per agent-hour. */
  readonly connectedPerAgentHour: number;
  /** Cumulative abandoned / live answers over the run (the 30-day window: the run is shorter). */
  readonly abandonRate: number;
  /** The worst rate of any rolling 24-hour window ending on a whole minute, once 24 h have passed. */
  readonly maxWindowAbandonRate: number;
  /** The worst cumulative (30-day) rate seen at any whole minute of the run. */
  readonly maxCumulativeAbandonRate: number;
  readonly dials: number;
  readonly liveAnswers: number;
  readonly abandoned: number;
  /** Share of pacing decisions taken while the abandonment guard allowed no risk. */
  readonly guardedShare: number;
}

type Agent =
  | { state: 'available' }
  | { state: 'reserved' }
  | { state: 'previewing' }
  | { state: 'on_call'; since: number }
  | { state: 'wrap_up'; since: number };

type Event =
  | { kind: 'answer'; dial: number }
  | { kind: 'give_up'; dial: number }
  | { kind: 'talk_end'; agent: number }
  | { kind: 'wrap_end'; agent: number }
  | { kind: 'preview_end'; agent: number }
  | { kind: 'grace_end'; dial: number }
  | { kind: 'tick' };

interface Dial {
  placedAt: number;
  /** The agent reserved for it (progressive, preview); -1 = none (predictive). */
  agent: number;
  done: boolean;
}

/**
 * A discrete-event simulation with a virtual clock of one campaign dialing the section-5 population,
 * paced by the product's own pacers, statistics and ledger (nothing of the pacer is re-implemented
 * here). Predictive decisions are taken after every event and on a one-second tick.
 */
export function simulateDialing(scenario: DialingScenario): DialingResult {
  const rng = new SeededRandom(scenario.seed);
  const end = scenario.hours * 3600;
  const queue = new EventQueue<Event>();
  const agents: Agent[] = Array.from({ length: scenario.agents }, () => ({ state: 'available' }));
  const dials: Dial[] = [];
  const ringing = new Set<number>();
  const waiting: number[] = [];
  const ledger = new AbandonmentLedger(REGULATORY_WINDOWS);
  const stats = new PacingStatistics({
    ...DEFAULT_PACING_PRIOR,
    wrapSec: scenario.wrapSec,
    giveUpSec: scenario.giveUpSec,
  });
  const predictive = new PredictivePacer(
    () => stats.model(),
    () => ledger.allCounts(now * 1000),
    {
      ...DEFAULT_PREDICTIVE,
      ...scenario.predictive,
      connectGraceSec: scenario.connectGraceSec,
      guard: { ...DEFAULT_PREDICTIVE.guard, limit: scenario.abandonLimit },
    },
  );
  const pacer =
    scenario.mode === 'predictive'
      ? predictive
      : scenario.mode === 'progressive'
        ? new ProgressivePacer()
        : new PreviewPacer();

  let now = 0;
  let busySeconds = 0;
  let liveAnswers = 0;
  let connected = 0;
  let abandoned = 0;
  let decisions = 0;
  let guardedDecisions = 0;
  let maxWindowRate = 0;
  let maxCumulativeRate = 0;
  let nextMinute = 60;

  const answerRateAt = (t: number): number =>
    scenario.answerRateStep && t >= scenario.answerRateStep.atHour * 3600
      ? scenario.answerRateStep.answerRate
      : scenario.answerRate;

  const placeDial = (agent: number): void => {
    const id = dials.length;
    dials.push({ placedAt: now, agent, done: false });
    ledger.recordDial(now * 1000);
    if (agent < 0) ringing.add(id);
    if (rng.next() < answerRateAt(now)) {
      queue.push(now + rng.gamma(scenario.ringShape, scenario.ringMeanSec / scenario.ringShape), {
        kind: 'answer',
        dial: id,
      });
    } else {
      queue.push(now + scenario.giveUpSec, { kind: 'give_up', dial: id });
    }
  };

  const startTalk = (agent: number): void => {
    agents[agent] = { state: 'on_call', since: now };
    const talk = rng.exponential(scenario.talkMeanSec);
    queue.push(now + talk, { kind: 'talk_end', agent });
  };

  const resolveLive = (wasAbandoned: boolean): void => {
    ledger.recordLiveAnswer(now * 1000, wasAbandoned);
    predictive.onLiveAnswer(wasAbandoned);
    if (wasAbandoned) abandoned++;
    else connected++;
  };

  const agentViews = (): AgentView[] =>
    agents.map((a): AgentView => {
      switch (a.state) {
        case 'available':
          return { state: 'available' };
        case 'reserved':
        case 'previewing':
          return { state: 'reserved' };
        case 'on_call':
          return { state: 'on_call', elapsedSec: now - a.since };
        case 'wrap_up':
          return { state: 'wrap_up', elapsedSec: now - a.since };
      }
    });

  const pace = (): void => {
    if (scenario.mode === 'predictive') {
      const elapsed: number[] = [];
      for (const id of ringing) elapsed.push(now - dials[id]!.placedAt);
      const decision = predictive.decide({
        agents: agentViews(),
        dialingElapsedSec: elapsed,
        waitingLiveAnswers: waiting.length,
      });
      decisions++;
      if (decision.riskBudget <= 0) guardedDecisions++;
      for (let i = 0; i < decision.dials; i++) placeDial(-1);
      return;
    }
    const count = pacer.dialsToPlace({ agents: agentViews(), dialingElapsedSec: [], waitingLiveAnswers: 0 });
    let given = 0;
    for (let a = 0; a < agents.length && given < count; a++) {
      if (agents[a]!.state !== 'available') continue;
      given++;
      if (scenario.mode === 'preview') {
        agents[a] = { state: 'previewing' };
        queue.push(now + scenario.previewSec, { kind: 'preview_end', agent: a });
      } else {
        agents[a] = { state: 'reserved' };
        placeDial(a);
      }
    }
  };

  const freeAgent = (agent: number): void => {
    // A live answer waiting within its grace takes the agent at once.
    while (waiting.length > 0) {
      const dial = waiting.shift()!;
      if (dials[dial]!.done) continue;
      dials[dial]!.done = true;
      resolveLive(false);
      startTalk(agent);
      return;
    }
    agents[agent] = { state: 'available' };
  };

  const sampleWindows = (): void => {
    while (nextMinute <= now && nextMinute <= end) {
      const [thirty, day] = [
        ledger.counts('30d', nextMinute * 1000),
        ledger.counts('24h', nextMinute * 1000),
      ];
      maxCumulativeRate = Math.max(maxCumulativeRate, thirty.rate);
      if (nextMinute >= 24 * 3600) maxWindowRate = Math.max(maxWindowRate, day.rate);
      nextMinute += 60;
    }
  };

  if (scenario.mode === 'predictive') queue.push(1, { kind: 'tick' });
  pace();
  for (;;) {
    const next = queue.pop();
    if (!next || next.time > end) break;
    const previous = now;
    now = next.time;
    // Occupancy: agents on a call or in wrap-up over the interval just passed.
    let busy = 0;
    for (const a of agents) if (a.state === 'on_call' || a.state === 'wrap_up') busy++;
    busySeconds += busy * (now - previous);
    sampleWindows();
    const event = next.item;
    switch (event.kind) {
      case 'tick':
        queue.push(now + 1, { kind: 'tick' });
        break;
      case 'answer': {
        const dial = dials[event.dial]!;
        stats.recordLiveAnswer(now - dial.placedAt);
        liveAnswers++;
        if (dial.agent >= 0) {
          dial.done = true;
          resolveLive(false);
          startTalk(dial.agent);
          break;
        }
        ringing.delete(event.dial);
        const free = agents.findIndex((a) => a.state === 'available');
        if (free >= 0) {
          dial.done = true;
          resolveLive(false);
          startTalk(free);
        } else {
          waiting.push(event.dial);
          queue.push(now + scenario.connectGraceSec, { kind: 'grace_end', dial: event.dial });
        }
        break;
      }
      case 'grace_end': {
        const dial = dials[event.dial]!;
        if (dial.done) break;
        dial.done = true;
        const at = waiting.indexOf(event.dial);
        if (at >= 0) waiting.splice(at, 1);
        resolveLive(true);
        break;
      }
      case 'give_up': {
        const dial = dials[event.dial]!;
        dial.done = true;
        stats.recordNoLiveAnswer();
        ringing.delete(event.dial);
        if (dial.agent >= 0) agents[dial.agent] = { state: 'available' };
        break;
      }
      case 'talk_end': {
        const a = agents[event.agent]!;
        if (a.state === 'on_call') stats.recordTalk(now - a.since);
        agents[event.agent] = { state: 'wrap_up', since: now };
        queue.push(now + scenario.wrapSec, { kind: 'wrap_end', agent: event.agent });
        break;
      }
      case 'wrap_end':
        stats.recordWrap(scenario.wrapSec);
        freeAgent(event.agent);
        break;
      case 'preview_end':
        agents[event.agent] = { state: 'reserved' };
        placeDial(event.agent);
        break;
    }
    pace();
  }
  // The last interval up to the end of the run.
  let busy = 0;
  for (const a of agents) if (a.state === 'on_call' || a.state === 'wrap_up') busy++;
  busySeconds += busy * Math.max(0, end - now);
  now = end;
  sampleWindows();

  const agentHours = scenario.agents * scenario.hours;
  return {
    mode: scenario.mode,
    agents: scenario.agents,
    hours: scenario.hours,
    occupancy: busySeconds / (scenario.agents * end),
    contactsPerAgentHour: liveAnswers / agentHours,
    connectedPerAgentHour: connected / agentHours,
    abandonRate: liveAnswers > 0 ? abandoned / (connected + abandoned) : 0,
    maxWindowAbandonRate: maxWindowRate,
    maxCumulativeAbandonRate: maxCumulativeRate,
    dials: dials.length,
    liveAnswers,
    abandoned,
    guardedShare: decisions > 0 ? guardedDecisions / decisions : 0,
  };
}
