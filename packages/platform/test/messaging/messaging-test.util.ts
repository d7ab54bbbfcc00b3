import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { randomSuffix, waitFor as kitWaitFor, withDatabase } from '@cc/testing';

/**
 * Isolation on the shared NATS: every suite owns streams with a unique NAME prefix whose subjects
 * are restricted to the suite's own unique tenant ids (`cc.<tenant>.<domain>.>`), because JetStream
 * refuses overlapping subjects; the `cc.<tenant>...` subject convention stays intact. Everything
 * is deleted in afterAll.
 */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const suffix = (): string => randomSuffix();

/** Unique, valid tenant ids for one suite. */
export function uniqueTenants(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `tmsg${i}_${suffix()}`);
}

/** A unique stream-name prefix (upper case, ends with `_`). */
export function uniqueStreamPrefix(): string {
  return `TMSG${suffix().toUpperCase()}_`;
}

/** A database URL with the database name replaced. */
export const databaseUrlFor = (database: string): string => withDatabase(DATABASE_URL, database);

export interface TestTracing {
  exporter: InMemorySpanExporter;
  provider: TracerProvider;
  shutdown(): Promise<void>;
}

/** Global tracer provider + W3C propagator recording spans in memory (as the telemetry module would). */
export function installTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    exporter,
    provider,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The kit's waitFor with this suite's longer default (15 s) and 50 ms polling. */
export const waitFor = <T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> => kitWaitFor(what, check, timeoutMs, 50);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fixture script run in its own process through tsx, with line-based JSON on stdout. */
export class FixtureProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: unknown[] = [];
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(script: string, env: Record<string, string>) {
    // `--import tsx` keeps the fixture in ONE process (the tsx CLI would fork a grandchild that a
    // SIGKILL of its parent leaves running).
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', script)], {
      env: { ...process.env, ...env, OTEL_SDK_DISABLED: 'true' },
      stdio: 'pipe',
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line));
      } catch {
        this.stderr += `[stdout] ${line}\n`;
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  /** Waits for the first JSON line matching `predicate`. */
  async line<T>(what: string, predicate: (line: T) => boolean, timeoutMs = 20_000): Promise<T> {
    try {
      return await waitFor(
        what,
        () => {
          const found = (this.lines as T[]).find(predicate);
          if (found === undefined && this.exit) {
            throw new Error(`fixture exited (${JSON.stringify(this.exit)}) before ${what}`);
          }
          return found;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nfixture stderr:\n${this.stderr}`);
    }
  }

  async exited(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return waitFor('fixture exit', () => this.exit, timeoutMs);
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  get errors(): string {
    return this.stderr;
  }
}
