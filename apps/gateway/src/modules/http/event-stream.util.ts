import type { Request, Response } from 'express';
import { toProblem } from '@cc/platform';

/**
 * Serves a Server-Sent Events stream from an iterator: waits for the first item before answering
 * (so an upstream that is down is a problem+json 503, not an empty 200), then writes one `event`
 * per item and a heartbeat comment between them, and ends with `event: end` when the iterator ends
 * (its deadline: the client re-connects) or `event: error` when it fails mid-stream.
 */
export async function serveEventStream<T>(
  req: Request,
  res: Response,
  iterator: AsyncIterator<T>,
  event: string,
  abort: AbortController,
): Promise<void> {
  req.on('close', () => abort.abort());
  let first: IteratorResult<T>;
  try {
    first = await iterator.next();
  } catch (error) {
    abort.abort();
    throw error;
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // Proxies (nginx ingress) must not buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  let id = 0;
  const write = (name: string, data: unknown): void => {
    id += 1;
    res.write(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  try {
    let current = first;
    while (!current.done && !abort.signal.aborted) {
      write(event, current.value);
      current = await iterator.next();
    }
    if (!abort.signal.aborted) write('end', { reason: 'stream deadline reached: re-connect' });
  } catch (error) {
    if (!abort.signal.aborted) write('error', toProblem(error).problem);
  } finally {
    await iterator.return?.().catch(() => undefined);
    res.end();
  }
}
