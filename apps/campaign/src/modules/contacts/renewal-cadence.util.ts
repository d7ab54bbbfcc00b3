import { DateTime } from 'luxon';

/** One step of a renewal cadence: act `daysBefore` days before the contact's date field. */
export interface CadenceStep {
  readonly daysBefore: number;
  /** What this step does (a call script, an offer); the campaign passes it to the agent. */
  readonly action: string;
}

export interface DueStep {
  readonly index: number;
  readonly step: CadenceStep;
  /** Start of the step's local day (the zone of the campaign), as an instant. */
  readonly dueAt: Date;
}

/**
 * The cadence step a contact is due for at `now`: the latest step whose day (date field minus
 * `daysBefore`, counted in calendar days in `zone`) has come, if it was not done yet and the date
 * itself has not passed. Steps are taken from the earliest (most days before) to the latest; a
 * contact that missed a step moves on to the next one instead of receiving two calls at once.
 */
export function dueCadenceStep(
  steps: readonly CadenceStep[],
  dateField: string,
  now: Date,
  zone: string,
  doneSteps: ReadonlySet<number>,
): DueStep | undefined {
  const target = DateTime.fromISO(dateField, { zone }).startOf('day');
  if (!target.isValid) return undefined;
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  if (today > target) return undefined;
  const ordered = steps
    .map((step, index) => ({ step, index, day: target.minus({ days: step.daysBefore }) }))
    .sort((a, b) => a.day.toMillis() - b.day.toMillis());
  let due: (typeof ordered)[number] | undefined;
  for (const s of ordered) if (s.day <= today) due = s;
  if (!due || doneSteps.has(due.index)) return undefined;
  return { index: due.index, step: due.step, dueAt: due.day.toJSDate() };
}
