import { Pool, type PoolConfig } from 'pg';

export interface PgPoolOptions {
  url: string;
  /** The Postgres schema this service owns; first on the search path. */
  schema: string;
  /**
   * The role every session acts as (`SET ROLE` at connection start). A non-superuser role that does
   * not own the tables, so row-level security applies even when the login user is more powerful.
   * Omit for the migration/owner connection.
   */
  role?: string;
  max?: number;
  applicationName?: string;
  /** Told when an idle connection dies (the pool replaces it); default: ignored. */
  onIdleError?: (error: Error) => void;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A pg pool whose sessions start in the service's schema and role. */
export function createPgPool(options: PgPoolOptions): Pool {
  if (!IDENT.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  if (options.role !== undefined && !IDENT.test(options.role))
    throw new Error(`invalid role "${options.role}"`);
  const settings = [`-c search_path=${options.schema},public`];
  if (options.role) settings.push(`-c role=${options.role}`);
  const config: PoolConfig = {
    connectionString: options.url,
    max: options.max ?? 10,
    options: settings.join(' '),
    application_name: options.applicationName ?? options.schema,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  };
  const pool = new Pool(config);
  // An idle client whose server connection dies (Postgres restart, failover, a terminated backend)
  // emits 'error' on the pool; without a listener Node treats it as unhandled and kills the process.
  // The pool discards that client by itself; the next query opens a new connection.
  pool.on('error', options.onIdleError ?? (() => undefined));
  return pool;
}

export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid identifier "${name}"`);
  return `"${name}"`;
}
