import { isOpen } from './business-hours.util';
import type { IvrFlowDefinition, IvrStep, IvrStepOf } from './ivr-flow.schema';

/** What the IVR needs from a live call; implemented over ARI by the call, faked in unit tests. */
export interface IvrChannelPort {
  /** Plays to the end (or until a key is pressed, when `bargeIn`). */
  play(media: string[], options?: { bargeIn?: boolean }): Promise<void>;
  /** The next key the caller pressed (keys pressed earlier are buffered); undefined after `timeoutMs`. */
  nextDigit(timeoutMs: number): Promise<string | undefined>;
  /** Records the caller; the stored recording's name, or undefined when nothing was recorded. */
  record(maxSeconds: number): Promise<string | undefined>;
  now(): Date;
}

export interface RoutingChoice {
  skills: { skillId: string; minLevel: number }[];
  priority: number;
  language: string | undefined;
}

export type IvrOutcome =
  | { kind: 'queue'; step: IvrStepOf<'queue'>; routing: RoutingChoice }
  | { kind: 'message'; recordingName: string | undefined; routing: RoutingChoice }
  | { kind: 'hangup' };

/** Where a caller is in a flow: enough to resume there on another instance after a takeover. */
export interface IvrProgress {
  step: string;
  routing: RoutingChoice;
  path: string[];
  digits: string;
}

export interface IvrRunOptions {
  /** Continue from here (the step restarts: a prompt is played again, a menu asks again). */
  resume?: IvrProgress;
  /** Called as each step starts, with a copy of the progress (the call's snapshot keeps it). */
  onStep?: (progress: IvrProgress) => void;
}

export interface IvrResult {
  outcome: IvrOutcome;
  path: string[];
  digits: string;
}

/** A flow that keeps a caller in it longer than this many steps is broken: hang up rather than loop. */
export const MAX_STEPS_PER_CALL = 500;

/**
 * Runs a validated flow for one caller. A hang-up surfaces as the port's rejection (the caller's
 * promise chain unwinds), so this code only describes the happy paths and the menu rules.
 */
export async function runIvr(
  flow: IvrFlowDefinition,
  tenantTimeZone: string,
  port: IvrChannelPort,
  tenantHolidays: readonly string[] = [],
  options: IvrRunOptions = {},
): Promise<IvrResult> {
  const resume = options.resume;
  const routing: RoutingChoice = resume
    ? { ...resume.routing, skills: resume.routing.skills.map((s) => ({ ...s })) }
    : { skills: [], priority: 0, language: undefined };
  const path: string[] = resume ? [...resume.path] : [];
  let digits = resume?.digits ?? '';
  let current = resume?.step ?? flow.start;
  for (let count = path.length; count < MAX_STEPS_PER_CALL; count++) {
    const step: IvrStep | undefined = flow.steps[current];
    if (!step) return { outcome: { kind: 'hangup' }, path, digits };
    options.onStep?.({
      step: current,
      routing: { ...routing, skills: routing.skills.map((s) => ({ ...s })) },
      path: [...path],
      digits,
    });
    path.push(current);
    switch (step.type) {
      case 'play':
        await port.play(step.media);
        current = step.next;
        break;
      case 'set':
        if (step.skills) routing.skills = step.skills.map((s) => ({ ...s }));
        if (step.priority !== undefined) routing.priority = step.priority;
        if (step.language !== undefined) routing.language = step.language;
        current = step.next;
        break;
      case 'hours':
        current = isOpen(
          { weekly: step.weekly, holidays: [...step.holidays, ...tenantHolidays] },
          step.timeZone ?? tenantTimeZone,
          port.now(),
        )
          ? step.open
          : step.closed;
        break;
      case 'menu': {
        const choice = await runMenu(step, port);
        if (choice.digit !== undefined) digits += choice.digit;
        current = choice.next;
        break;
      }
      case 'queue':
        return { outcome: { kind: 'queue', step, routing }, path, digits };
      case 'message': {
        await port.play(step.prompt);
        const recordingName = await port.record(step.maxSeconds);
        if (step.thanks) await port.play(step.thanks);
        return { outcome: { kind: 'message', recordingName, routing }, path, digits };
      }
      case 'hangup':
        if (step.prompt) await port.play(step.prompt);
        return { outcome: { kind: 'hangup' }, path, digits };
    }
  }
  return { outcome: { kind: 'hangup' }, path, digits };
}

async function runMenu(
  step: IvrStepOf<'menu'>,
  port: IvrChannelPort,
): Promise<{ next: string; digit?: string }> {
  for (let attempt = 0; attempt <= step.retries; attempt++) {
    await port.play(step.prompt, { bargeIn: true });
    const digit = await port.nextDigit(step.timeoutMs);
    if (digit === undefined) continue;
    const next = step.options[digit];
    if (next !== undefined) return { next, digit };
    if (attempt < step.retries) await port.play(step.invalidPrompt);
  }
  return { next: step.onFailure };
}
