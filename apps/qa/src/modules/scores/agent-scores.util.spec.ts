import { rollingScore, type ScoredEvaluation, scoresOverTime } from './agent-scores.util';

const at = (iso: string) => new Date(iso);
const evaluations: ScoredEvaluation[] = [
  {
    agentId: 'a1',
    teamId: 't1',
    percent: 80,
    criticalFailed: false,
    submittedAt: at('2026-11-16T10:00:00Z'),
  },
  {
    agentId: 'a1',
    teamId: 't1',
    percent: 90,
    criticalFailed: false,
    submittedAt: at('2026-11-18T10:00:00Z'),
  },
  { agentId: 'a2', teamId: 't1', percent: 0, criticalFailed: true, submittedAt: at('2026-11-17T10:00:00Z') },
  {
    agentId: 'a1',
    teamId: 't1',
    percent: 100,
    criticalFailed: false,
    submittedAt: at('2026-11-23T10:00:00Z'),
  },
  {
    agentId: 'a3',
    teamId: null,
    percent: 70,
    criticalFailed: false,
    submittedAt: at('2026-11-23T10:00:00Z'),
  },
];

describe('scores over time', () => {
  it('averages each agent per week, in order', () => {
    expect(scoresOverTime(evaluations, { period: 'week', zone: 'UTC', by: 'agent' })).toEqual([
      { period: '2026-W47', subjectId: 'a1', evaluations: 2, average: 85, criticalFails: 0 },
      { period: '2026-W47', subjectId: 'a2', evaluations: 1, average: 0, criticalFails: 1 },
      { period: '2026-W48', subjectId: 'a1', evaluations: 1, average: 100, criticalFails: 0 },
      { period: '2026-W48', subjectId: 'a3', evaluations: 1, average: 70, criticalFails: 0 },
    ]);
  });

  it('averages teams over their agents evaluations, leaving out agents without a team', () => {
    expect(scoresOverTime(evaluations, { period: 'month', zone: 'UTC', by: 'team' })).toEqual([
      { period: '2026-11', subjectId: 't1', evaluations: 4, average: 67.5, criticalFails: 1 },
    ]);
  });

  it('takes the rolling score over the window only', () => {
    const a1 = evaluations.filter((e) => e.agentId === 'a1');
    expect(rollingScore(a1, at('2026-11-24T00:00:00Z'), 30)).toEqual({
      score: 90,
      evaluations: 3,
      criticalFails: 0,
    });
    expect(rollingScore(a1, at('2026-11-24T00:00:00Z'), 3)).toEqual({
      score: 100,
      evaluations: 1,
      criticalFails: 0,
    });
    expect(rollingScore([], at('2026-11-24T00:00:00Z'), 30)).toEqual({
      score: null,
      evaluations: 0,
      criticalFails: 0,
    });
  });
});
