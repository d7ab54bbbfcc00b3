import { supportScorecard } from '../../../test/fixtures/scorecards';
import { validateScorecard } from '../scorecards/scorecard-validation.util';
import { calibrationSpread, spreadOf } from './calibration.util';

const check = validateScorecard(supportScorecard());
if (!check.ok) throw new Error('fixture');
const form = check.definition;
const base = {
  greeting: 'yes',
  identity: 'yes',
  hold: 'yes',
  consent: 'yes',
  outcome: 'resolved',
  empathy: 5,
};

describe('calibrationSpread', () => {
  it('reports zero spread and full agreement when analysts agree', () => {
    const report = calibrationSpread(form, [
      { analystId: 'a', answers: base },
      { analystId: 'b', answers: base },
    ]);
    expect(report.overall).toEqual({ mean: 100, min: 100, max: 100, range: 0, stdDev: 0 });
    expect(report.questions.find((q) => q.questionId === 'empathy')).toMatchObject({
      points: { range: 0 },
      agreement: 1,
    });
  });

  it('reports the spread per question in percent of the question, and of the totals', () => {
    const report = calibrationSpread(form, [
      { analystId: 'a', answers: { ...base, empathy: 5 } },
      { analystId: 'b', answers: { ...base, empathy: 3 } },
      { analystId: 'c', answers: { ...base, empathy: 1 } },
      { analystId: 'd', answers: { ...base, empathy: 'na' } },
    ]);
    const empathy = report.questions.find((q) => q.questionId === 'empathy')!;
    expect(empathy.points).toEqual({ mean: 50, min: 0, max: 100, range: 100, stdDev: 40.8248 });
    expect(empathy.agreement).toBe(0.25);
    expect(empathy.answers.map((a) => a.answer)).toEqual([5, 3, 1, 'na']);
    expect(report.evaluations).toBe(4);
    // totals: opening 40 + resolution 60 x (50 + 30 x f) / 80 -> 100, 88.75, 77.5 and 100 (N/A re-weighted)
    expect(report.overall).toMatchObject({ min: 77.5, max: 100, range: 22.5, mean: 91.5625 });
  });

  it('shows a conditional question as unasked for analysts whose answers did not ask it', () => {
    const report = calibrationSpread(form, [
      { analystId: 'a', answers: { ...base, outcome: 'escalated', followup: 'yes' } },
      { analystId: 'b', answers: base },
    ]);
    expect(report.questions.find((q) => q.questionId === 'followup')!.answers).toEqual([
      { analystId: 'a', answer: 'yes' },
      { analystId: 'b', answer: null },
    ]);
    expect(report.questions.find((q) => q.questionId === 'outcome')!.agreement).toBe(0.5);
  });

  it('spreadOf is null for nothing', () => {
    expect(spreadOf([])).toEqual({ mean: null, min: null, max: null, range: null, stdDev: null });
  });
});
