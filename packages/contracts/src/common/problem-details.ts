import { z } from 'zod';

/** One broken rule of one input field, as problem+json `errors[]` carries it. */
export const FieldViolationSchema = z.object({
  field: z.string(),
  rule: z.string(),
  message: z.string(),
});
export type FieldViolation = z.infer<typeof FieldViolationSchema>;

/** RFC 9457 problem details, the body of every 4xx/5xx our HTTP APIs return. */
export const ProblemDetailsSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(FieldViolationSchema).optional(),
  traceId: z.string().optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;

/** Turns zod issues into field violations that name the field (dotted path) and the rule. */
export function violationsFromZod(error: z.ZodError, prefix = ''): FieldViolation[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = prefix && path ? `${prefix}.${path}` : prefix || path || '(root)';
    return { field, rule: issue.code, message: issue.message };
  });
}
