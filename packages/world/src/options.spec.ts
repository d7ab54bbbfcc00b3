import { numberOption } from './options';

describe('numberOption', () => {
  const argv = ['node', 'x', '--rate', '12.5', '--zero', '0', '--bad', 'abc'];
  it('reads a positive number, undefined when absent', () => {
    expect(numberOption('rate', {}, argv)).toBe(12.5);
    expect(numberOption('missing', {}, argv)).toBeUndefined();
    expect(numberOption('zero', { allowZero: true }, argv)).toBe(0);
  });
  it('names the flag and the rule when the value is bad', () => {
    expect(() => numberOption('zero', {}, argv)).toThrow('--zero must be a positive number');
    expect(() => numberOption('bad', { allowZero: true }, argv)).toThrow('--bad must be a number >= 0');
  });
});
