import { z } from 'zod';

/** The settings every service reads; each service extends this with its own. */
export const BaseConfigSchema = z.object({
  SERVICE_NAME: z
    .string()
    .min(1)
    .regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase service name'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/callcenter'),
  /**
   * The non-superuser role the service acts as (SET ROLE at connection start), so row-level
   * security applies even when the login is a superuser, as on development machines. Empty: act as
   * the login role itself (deployments log in as a dedicated `<svc>_app` role).
   */
  DATABASE_ROLE: z
    .string()
    .regex(/^([a-z_][a-z0-9_]*)?$/, 'must be a Postgres role name, or empty for the login role')
    .default('cc_app'),
  /** Replicas of the JetStream streams and KV buckets the service declares (3 in a NATS cluster). */
  CC_JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\//, 'must be a nats:// URL (comma-separate several)')
    .default('nats://127.0.0.1:4222'),
  /** Prefix for stream and consumer names; lets tests and several stacks share one NATS. */
  NATS_STREAM_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must hold only letters, digits, "_" or "-"')
    .default(''),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads and validates configuration from the environment. Every missing or bad variable is reported
 * at once, named, with the rule it breaks, so a start-up failure tells the operator all there is to fix.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const value = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    const shown = value === undefined ? 'missing' : `got "${redact(issue.path[0] as string, value)}"`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigValidationError(problems);
}

const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY)/i;

function redact(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return '***';
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
