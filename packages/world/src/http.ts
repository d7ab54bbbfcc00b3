/** Small JSON-over-HTTP helper for the world's calls to the services and the simulator. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} -> ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

export async function requestJson<T = unknown>(
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; ok?: number[]; timeoutMs?: number } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const ok = options.ok ?? [];
  if (!res.ok && !ok.includes(res.status)) throw new HttpError(res.status, body, `${method} ${url}`);
  return { status: res.status, body: body as T };
}

/** Retries a request the service refused as busy (503) or rate-limited (429), with a short back-off. */
export async function withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const retryable = error instanceof HttpError && (error.status === 503 || error.status === 429);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
}
