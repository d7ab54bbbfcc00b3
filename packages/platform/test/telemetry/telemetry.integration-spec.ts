import { waitFor } from '@cc/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A tiny OTLP/HTTP (JSON) receiver: what a collector would get from the service. */
function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

describe('tracing across HTTP and Postgres, exported by the standard OTLP variables', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let child: ChildProcess;
  const logLines: Array<Record<string, unknown>> = [];

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise<void>((resolve) => collector?.server.close(() => resolve()));
  });

  it('continues the caller trace through the HTTP server span into the SQL query, and logs its ids', async () => {
    collector = await startCollector();
    child = spawn(process.execPath, [join(__dirname, 'fixtures/traced-service.fixture.js')], {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let port: number | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.port === 'number') port = parsed.port;
      else logLines.push(parsed);
    });
    await waitFor('the service to listen', () => port, 20_000);

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`http://127.0.0.1:${port}/probe`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(await res.json()).toEqual({ answer: 42 });

    const spans = await waitFor(
      'the HTTP and SQL spans at the collector',
      () => {
        const ours = collector.spans.filter((s) => s.traceId === traceId);
        const http = ours.find((s) => s.kind === 2 && s.parentSpanId === '00f067aa0ba902b7');
        const sql = ours.find((s) =>
          s.attributes.some((a) => a.key === 'db.system' || a.key === 'db.system.name'),
        );
        return http && sql ? { http, sql, ours } : undefined;
      },
      15_000,
    );
    // The SQL span descends from the HTTP server span (possibly through Nest's handler spans).
    const byId = new Map(spans.ours.map((s) => [s.spanId, s]));
    let cursor: OtlpSpan | undefined = spans.sql;
    while (cursor && cursor.spanId !== spans.http.spanId)
      cursor = cursor.parentSpanId ? byId.get(cursor.parentSpanId) : undefined;
    expect(cursor?.spanId).toBe(spans.http.spanId);

    const requestLog = await waitFor('a request log line', () =>
      logLines.find((l) => typeof l.msg === 'string' && l.msg.includes('request completed')),
    );
    expect(requestLog.traceId).toBe(traceId);
  });
});
