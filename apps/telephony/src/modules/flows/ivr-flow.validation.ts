import type { FieldViolation } from '@cc/contracts';
import { IvrFlowDefinitionSchema, type IvrFlowDefinition, type IvrStep } from './ivr-flow.schema';

/** The steps a step can lead to, with the field naming each reference. */
export function successors(step: IvrStep): { field: string; target: string }[] {
  switch (step.type) {
    case 'play':
    case 'set':
      return [{ field: 'next', target: step.next }];
    case 'menu':
      return [
        ...Object.entries(step.options).map(([digit, target]) => ({ field: `options.${digit}`, target })),
        { field: 'onFailure', target: step.onFailure },
      ];
    case 'hours':
      return [
        { field: 'open', target: step.open },
        { field: 'closed', target: step.closed },
      ];
    case 'queue':
    case 'message':
    case 'hangup':
      return [];
  }
}

export type FlowValidation =
  { ok: true; flow: IvrFlowDefinition } | { ok: false; violations: FieldViolation[] };

/**
 * Shape, then graph: the start and every reference exist; every step is reachable; every path ends
 * (a queue, a message or a hang-up); a cycle must pass through a menu (which waits for the caller),
 * so no flow can spin without input.
 */
export function validateIvrFlow(input: unknown): FlowValidation {
  const parsed = IvrFlowDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      violations: parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.') || '(flow)',
        rule: issue.code,
        message: issue.message,
      })),
    };
  }
  const flow = parsed.data;
  const violations: FieldViolation[] = [];
  const ids = new Set(Object.keys(flow.steps));
  if (!ids.has(flow.start)) {
    violations.push({
      field: 'start',
      rule: 'dangling_reference',
      message: `step "${flow.start}" does not exist`,
    });
  }
  for (const [id, step] of Object.entries(flow.steps)) {
    for (const { field, target } of successors(step)) {
      if (!ids.has(target)) {
        violations.push({
          field: `steps.${id}.${field}`,
          rule: 'dangling_reference',
          message: `step "${target}" does not exist`,
        });
      }
    }
  }
  if (violations.length > 0) return { ok: false, violations };

  const reachable = new Set<string>();
  const stack = [flow.start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const { target } of successors(flow.steps[id] as IvrStep)) stack.push(target);
  }
  for (const id of ids) {
    if (!reachable.has(id)) {
      violations.push({
        field: `steps.${id}`,
        rule: 'unreachable',
        message: `step "${id}" cannot be reached from "${flow.start}"`,
      });
    }
  }

  // Cycles without a menu: depth-first search over the non-menu edges.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const step = flow.steps[id] as IvrStep;
    if (step.type === 'menu') return;
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      violations.push({
        field: `steps.${id}`,
        rule: 'cycle_without_input',
        message: `steps ${cycle.join(' -> ')} loop without waiting for the caller`,
      });
      return;
    }
    state.set(id, 'visiting');
    for (const { target } of successors(step)) visit(target, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of ids) visit(id, []);

  return violations.length > 0 ? { ok: false, violations } : { ok: true, flow };
}
