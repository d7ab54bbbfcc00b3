/**
 * `--<name> <number>` from the command line: undefined when the flag is absent, an error naming the
 * flag when its value is not a positive number (or, with `allowZero`, not a number >= 0).
 */
export function numberOption(
  name: string,
  options: { allowZero?: boolean } = {},
  argv = process.argv,
): number | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = Number(argv[i + 1]);
  const ok = Number.isFinite(v) && (options.allowZero ? v >= 0 : v > 0);
  if (!ok) throw new Error(`--${name} must be ${options.allowZero ? 'a number >= 0' : 'a positive number'}`);
  return v;
}

export const roundTo = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;
