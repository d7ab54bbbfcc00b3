import { Injectable } from '@nestjs/common';

export interface SendResult {
  statusCode?: number;
  error?: string;
}

/** The HTTP call to a receiver, behind a port so the dispatcher tests without the network. */
export abstract class WebhookSender {
  abstract send(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<SendResult>;
}

@Injectable()
export class FetchWebhookSender extends WebhookSender {
  async send(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<SendResult> {
    try {
      // No redirects: a receiver could otherwise bounce the signed body to a host we never checked.
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return { statusCode: response.status };
    } catch (error) {
      return { error: (error as Error).message.slice(0, 500) };
    }
  }
}
