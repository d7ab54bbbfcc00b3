import { canMove, isOpen } from './lead-pipeline.util';

describe('lead pipeline', () => {
  it('moves open leads forward, skipping steps, and refuses going back', () => {
    expect(canMove('new', 'contacted')).toBe(true);
    expect(canMove('new', 'proposal')).toBe(true);
    expect(canMove('proposal', 'contacted')).toBe(false);
  });

  it('closes from any open step; won is final; lost may reopen as new', () => {
    expect(canMove('contacted', 'won')).toBe(true);
    expect(canMove('qualified', 'lost')).toBe(true);
    expect(canMove('won', 'lost')).toBe(false);
    expect(canMove('lost', 'new')).toBe(true);
    expect(canMove('lost', 'qualified')).toBe(false);
    expect(isOpen('proposal')).toBe(true);
    expect(isOpen('won')).toBe(false);
  });
});
