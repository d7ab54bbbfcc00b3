import { checkIfMatch, etagOf } from './etag.util';

describe('If-Match', () => {
  it('passes without a precondition, with *, or with the current tag', () => {
    expect(() => checkIfMatch(undefined, 3)).not.toThrow();
    expect(() => checkIfMatch('*', 3)).not.toThrow();
    expect(() => checkIfMatch(`"v1", ${etagOf(3)}`, 3)).not.toThrow();
  });

  it('refuses a stale tag', () => {
    expect(() => checkIfMatch(etagOf(2), 3)).toThrow(/If-Match/);
  });
});
