import { countsInScores, type LifecycleSubject, transition } from './evaluation-lifecycle.util';

const evaluation = (
  status: LifecycleSubject['status'],
  kind: LifecycleSubject['kind'] = 'standard',
): LifecycleSubject => ({
  status,
  kind,
  analystId: 'analyst-1',
  agentId: 'agent-7',
});

describe('evaluation lifecycle', () => {
  it('goes draft -> submitted -> acknowledged', () => {
    expect(transition(evaluation('draft'), 'answer', 'analyst-1')).toEqual({ ok: true, status: 'draft' });
    expect(transition(evaluation('draft'), 'submit', 'analyst-1')).toEqual({ ok: true, status: 'submitted' });
    expect(transition(evaluation('submitted'), 'acknowledge', 'agent-7')).toEqual({
      ok: true,
      status: 'acknowledged',
    });
  });

  it('goes submitted -> disputed -> resolved by someone other than the agent', () => {
    expect(transition(evaluation('submitted'), 'dispute', 'agent-7')).toEqual({
      ok: true,
      status: 'disputed',
    });
    expect(transition(evaluation('disputed'), 'resolve', 'supervisor-2')).toEqual({
      ok: true,
      status: 'resolved',
    });
    expect(transition(evaluation('disputed'), 'resolve', 'agent-7')).toMatchObject({
      ok: false,
      code: 'qa.agent_cannot_resolve',
    });
  });

  it('refuses every other step, with a reason', () => {
    const refused: [LifecycleSubject['status'], Parameters<typeof transition>[1], string, string][] = [
      ['submitted', 'answer', 'analyst-1', 'qa.evaluation_not_draft'],
      ['acknowledged', 'submit', 'analyst-1', 'qa.evaluation_not_draft'],
      ['draft', 'submit', 'analyst-2', 'qa.not_the_analyst'],
      ['draft', 'acknowledge', 'agent-7', 'qa.evaluation_not_submitted'],
      ['acknowledged', 'dispute', 'agent-7', 'qa.evaluation_not_submitted'],
      ['submitted', 'acknowledge', 'agent-8', 'qa.not_the_agent'],
      ['submitted', 'resolve', 'supervisor-2', 'qa.evaluation_not_disputed'],
      ['resolved', 'resolve', 'supervisor-2', 'qa.evaluation_not_disputed'],
      ['resolved', 'comment', 'analyst-1', 'qa.evaluation_closed'],
    ];
    for (const [status, action, actor, code] of refused) {
      expect({ status, action, result: transition(evaluation(status), action, actor) }).toMatchObject({
        result: { ok: false, code },
      });
    }
  });

  it('keeps calibration evaluations away from the agent', () => {
    expect(transition(evaluation('submitted', 'calibration'), 'acknowledge', 'agent-7')).toMatchObject({
      ok: false,
      code: 'qa.calibration_evaluation',
    });
    expect(countsInScores('calibration', 'submitted')).toBe(false);
    expect(countsInScores('standard', 'draft')).toBe(false);
    expect(countsInScores('standard', 'disputed')).toBe(true);
  });

  it('allows comments until the evaluation is closed', () => {
    for (const status of ['draft', 'submitted', 'disputed'] as const) {
      expect(transition(evaluation(status), 'comment', 'anyone')).toEqual({ ok: true, status });
    }
  });
});
