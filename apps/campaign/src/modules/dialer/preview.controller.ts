import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { parseOrThrow, TenantApi } from '@cc/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { DialerService } from './dialer.service';

const AgentSchema = z
  .object({ agentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an agent id') })
  .strict();

/** Preview dialing from the agent's desktop: take the next record, read it, dial it. */
@Controller('v1/campaigns/:id')
@TenantApi()
export class PreviewController {
  constructor(private readonly dialer: DialerService) {}

  /** 200 with the contact, or 204 when none is due. */
  @Post('preview')
  async next(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const { agentId } = parseOrThrow(AgentSchema, body, 'body');
    const contact = await this.dialer.nextPreview(id, agentId);
    if (!contact) {
      res.status(204);
      return undefined;
    }
    res.status(200);
    return {
      id: contact.id,
      phone: contact.phone,
      name: contact.name,
      customerId: contact.customerId,
      attempts: contact.attempts,
      lastOutcome: contact.lastOutcome,
    };
  }

  /** 202 with the attempt, or 409 naming the rule that refused the dial. */
  @Post('contacts/:contactId/dial')
  @HttpCode(202)
  async dial(@Param('id') id: string, @Param('contactId') contactId: string, @Body() body: unknown) {
    const { agentId } = parseOrThrow(AgentSchema, body, 'body');
    return this.dialer.dialPreviewed(id, contactId, agentId);
  }
}
