/**
 * `npm run bench -- campaign-pacing [--mode m --agents N --answer-rate p --talk s --wrap s --hours h
 *  --seed n --answer-rate-step p2@hour --team-hours h]`
 *
 * The campaign's own pacers (preview, progressive, predictive), statistics and abandonment ledger
 * driven by a discrete-event simulation of SCENARIOS.md section 5 (20 agents, p(live) 0.3, ring
 * Gamma mean 15 s, give-up 25 s, talk exponential 120 s, wrap-up 15 s, 2 s to reach an agent).
 * Without --mode: the section-5 table, team sizes 5/10/50/100 and a mid-run answer-rate change.
 * Prints one JSON line last.
 */
import { type PacingMode } from '../src/modules/pacing/pacing.types';
import {
  type DialingResult,
  type DialingScenario,
  SECTION_5,
  simulateDialing,
} from '../src/modules/pacing/simulation/outbound-dialing.simulation';

interface Args {
  mode?: PacingMode;
  agents: number;
  answerRate: number;
  talk: number;
  wrap: number;
  hours: number;
  teamHours: number;
  seed: number;
  answerRateStep?: { answerRate: number; atHour: number };
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    agents: SECTION_5.agents,
    answerRate: SECTION_5.answerRate,
    talk: SECTION_5.talkMeanSec,
    wrap: SECTION_5.wrapSec,
    hours: SECTION_5.hours,
    teamHours: 40,
    seed: SECTION_5.seed,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1] ?? '';
    const number = Number(value);
    switch (flag) {
      case '--mode':
        if (value !== 'preview' && value !== 'progressive' && value !== 'predictive')
          throw new Error(`bad --mode ${value}`);
        args.mode = value;
        break;
      case '--answer-rate-step': {
        const m = /^(0?\.\d+|1)@(\d+(?:\.\d+)?)$/.exec(value);
        if (!m) throw new Error(`bad --answer-rate-step ${value} (want p2@hour, e.g. 0.5@75)`);
        args.answerRateStep = { answerRate: Number(m[1]), atHour: Number(m[2]) };
        break;
      }
      case '--agents':
      case '--answer-rate':
      case '--talk':
      case '--wrap':
      case '--hours':
      case '--team-hours':
      case '--seed': {
        if (!Number.isFinite(number) || number < 0) throw new Error(`bad ${flag} ${value}`);
        const key = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) as
          'agents' | 'answerRate' | 'talk' | 'wrap' | 'hours' | 'teamHours' | 'seed';
        args[key] = number;
        break;
      }
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return args;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

function figures(r: DialingResult): Record<string, number | string> {
  return {
    mode: r.mode,
    agents: r.agents,
    hours: r.hours,
    occupancy: round(r.occupancy),
    contactsPerAgentHour: round(r.contactsPerAgentHour, 2),
    connectedPerAgentHour: round(r.connectedPerAgentHour, 2),
    abandonRate: round(r.abandonRate),
    maxWindowAbandonRate: round(r.maxWindowAbandonRate),
    maxCumulativeAbandonRate: round(r.maxCumulativeAbandonRate),
    dials: r.dials,
    liveAnswers: r.liveAnswers,
    abandoned: r.abandoned,
  };
}

function run(label: string, scenario: DialingScenario): DialingResult {
  const started = Date.now();
  const result = simulateDialing(scenario);
  const f = figures(result);
  process.stderr.write(
    `${label.padEnd(34)} occupancy ${(result.occupancy * 100).toFixed(1)}%  live/agent-h ${f.contactsPerAgentHour}` +
      `  connected/agent-h ${f.connectedPerAgentHour}  abandoned ${(result.abandonRate * 100).toFixed(2)}%` +
      `  worst 24h ${(result.maxWindowAbandonRate * 100).toFixed(2)}%  worst cumulative ${(result.maxCumulativeAbandonRate * 100).toFixed(2)}%` +
      `  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return result;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const base: Omit<DialingScenario, 'mode'> = {
    ...SECTION_5,
    agents: args.agents,
    answerRate: args.answerRate,
    talkMeanSec: args.talk,
    wrapSec: args.wrap,
    hours: args.hours,
    seed: args.seed,
    ...(args.answerRateStep ? { answerRateStep: args.answerRateStep } : {}),
  };
  if (args.mode) {
    const r = run(`${args.mode} ${args.agents} agents`, { ...base, mode: args.mode });
    console.log(JSON.stringify(figures(r)));
    return;
  }
  const progressive = run('progressive (section 5)', { ...base, mode: 'progressive' });
  const preview = run('preview +10 s (section 5)', { ...base, mode: 'preview' });
  const predictive = run('predictive (section 5)', { ...base, mode: 'predictive' });
  const teams = [5, 10, 50, 100].map((agents) => ({
    agents,
    progressive: run(`progressive ${agents} agents`, {
      ...base,
      agents,
      hours: args.teamHours,
      mode: 'progressive',
    }),
    predictive: run(`predictive ${agents} agents`, {
      ...base,
      agents,
      hours: args.teamHours,
      mode: 'predictive',
    }),
  }));
  const step = args.answerRateStep ?? { answerRate: 0.5, atHour: args.hours / 2 };
  const midRun = run(`predictive p ${base.answerRate}->${step.answerRate}@${step.atHour}h`, {
    ...base,
    mode: 'predictive',
    answerRateStep: step,
  });
  const midRunDown = run(`predictive p ${base.answerRate}->0.15@${step.atHour}h`, {
    ...base,
    mode: 'predictive',
    answerRateStep: { answerRate: 0.15, atHour: step.atHour },
  });
  const targets = {
    progressiveOccupancy648: Math.abs(progressive.occupancy - 0.648) <= 0.005,
    progressiveContacts172: Math.abs(progressive.contactsPerAgentHour - 17.2) <= 0.2,
    previewOccupancy558: Math.abs(preview.occupancy - 0.558) <= 0.005,
    previewContacts149: Math.abs(preview.contactsPerAgentHour - 14.9) <= 0.2,
    predictiveOccupancy86: predictive.occupancy >= 0.86,
    predictiveContacts235: predictive.contactsPerAgentHour >= 23.5,
    predictiveAbandon3:
      predictive.maxCumulativeAbandonRate <= 0.03 && predictive.maxWindowAbandonRate <= 0.03,
    midRunAbandon3: [midRun, midRunDown].every(
      (r) => r.maxCumulativeAbandonRate <= 0.03 && r.maxWindowAbandonRate <= 0.03,
    ),
    teamsAbandon3: teams.every((t) => t.predictive.maxCumulativeAbandonRate <= 0.03),
  };
  console.log(
    JSON.stringify({
      bench: 'campaign-pacing',
      ...figures(predictive),
      progressive: figures(progressive),
      preview: figures(preview),
      teams: teams.map((t) => ({
        agents: t.agents,
        progressive: figures(t.progressive),
        predictive: figures(t.predictive),
      })),
      midRun: { step, ...figures(midRun) },
      midRunDown: { step: { answerRate: 0.15, atHour: step.atHour }, ...figures(midRunDown) },
      targets,
    }),
  );
}

main();
