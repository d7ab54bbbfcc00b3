import { defaultDialplan, findExtension, matchExtension, substitute } from './dialplan';

describe('dialplan', () => {
  it('matches Asterisk extension patterns', () => {
    const map = {
      _NXX: [{ app: 'A', data: '' }],
      '_1[2-4]!': [{ app: 'B', data: '' }],
      s: [{ app: 'C', data: '' }],
    };
    expect(matchExtension(map, '212')?.[0]?.app).toBe('A');
    expect(matchExtension(map, '112')).toBeUndefined();
    expect(matchExtension(map, '13')?.[0]?.app).toBe('B');
    expect(matchExtension(map, '1399')?.[0]?.app).toBe('B');
    expect(matchExtension(map, 's')?.[0]?.app).toBe('C');
  });

  it('routes inbound contexts into Stasis and substitutes variables', () => {
    const plan = defaultDialplan('callcenter');
    const steps = findExtension(plan, 'from-trunk', '+15551000');
    expect(steps?.map((s) => s.app)).toEqual(['NoOp', 'Stasis', 'Hangup']);
    expect(substitute(steps?.[1]?.data ?? '', (n) => ({ SIM_APP: 'cc', EXTEN: '+15551000' })[n])).toBe(
      'cc,inbound,+15551000',
    );
    expect(findExtension(plan, 'nowhere', '1')).toBeUndefined();
  });
});
