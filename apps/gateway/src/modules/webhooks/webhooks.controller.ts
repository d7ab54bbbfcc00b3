import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodValidationPipe } from '@cc/platform';
import type { Response } from 'express';
import { Authenticated, CurrentTenant } from '../auth/authenticated.decorator';
import type { TenantPrincipal } from '../auth/principal.type';
import { idParam, withEtag } from '../http/http.util';
import {
  IdempotentPost,
  IfMatchHeader,
  StandardErrors,
  ZodBody,
  ZodQuery,
  ZodResponse,
} from '../http/openapi.util';
import { pageSchema, PageQuerySchema, type Page, type PageQuery } from '../http/pagination.util';
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  DeliveryDetailSchema,
  DeliveryQuerySchema,
  DeliveryViewSchema,
  UpdateWebhookSchema,
  WebhookViewSchema,
  type CreatedWebhook,
  type CreateWebhook,
  type DeliveryDetail,
  type DeliveryQuery,
  type DeliveryView,
  type UpdateWebhook,
  type WebhookView,
} from './webhook.schema';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authenticated({ audience: 'tenant', permission: 'webhooks:write' })
  @IdempotentPost()
  @ZodBody(CreateWebhookSchema)
  @ZodResponse(
    201,
    CreatedWebhookSchema,
    'Subscribed; `secret` (for verifying signatures) is shown only here',
  )
  @StandardErrors()
  async create(
    @CurrentTenant() p: TenantPrincipal,
    @Body(new ZodValidationPipe(CreateWebhookSchema, 'body')) body: CreateWebhook,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedWebhook> {
    return withEtag(res, await this.webhooks.create(p.id, p.tenantId, body));
  }

  @Get()
  @Authenticated({ audience: 'tenant', permission: 'webhooks:read' })
  @ZodQuery(PageQuerySchema)
  @ZodResponse(200, pageSchema(WebhookViewSchema), 'A page of subscriptions')
  @StandardErrors()
  list(
    @CurrentTenant() p: TenantPrincipal,
    @Query(new ZodValidationPipe(PageQuerySchema, 'query')) q: PageQuery,
  ): Promise<Page<WebhookView>> {
    return this.webhooks.list(p.tenantId, q);
  }

  @Get(':subscriptionId')
  @Authenticated({ audience: 'tenant', permission: 'webhooks:read' })
  @ZodResponse(200, WebhookViewSchema, 'The subscription (ETag header)')
  @StandardErrors()
  async get(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookView> {
    return withEtag(res, await this.webhooks.get(p.tenantId, id));
  }

  @Patch(':subscriptionId')
  @Authenticated({ audience: 'tenant', permission: 'webhooks:write' })
  @IfMatchHeader()
  @ZodBody(UpdateWebhookSchema)
  @ZodResponse(200, WebhookViewSchema, 'Updated')
  @StandardErrors()
  async update(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Body(new ZodValidationPipe(UpdateWebhookSchema, 'body')) body: UpdateWebhook,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookView> {
    return withEtag(res, await this.webhooks.update(p.id, p.tenantId, id, body, ifMatch));
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  @Authenticated({ audience: 'tenant', permission: 'webhooks:write' })
  @IfMatchHeader()
  @ZodResponse(204, undefined, 'Deleted with its delivery log')
  @StandardErrors()
  remove(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    return this.webhooks.remove(p.id, p.tenantId, id, ifMatch);
  }

  @Get(':subscriptionId/deliveries')
  @Authenticated({ audience: 'tenant', permission: 'webhooks:read' })
  @ZodQuery(DeliveryQuerySchema)
  @ZodResponse(200, pageSchema(DeliveryViewSchema), 'The delivery log, oldest first')
  @StandardErrors()
  deliveries(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Query(new ZodValidationPipe(DeliveryQuerySchema, 'query')) q: DeliveryQuery,
  ): Promise<Page<DeliveryView>> {
    return this.webhooks.deliveries(p.tenantId, id, q);
  }

  @Get(':subscriptionId/deliveries/:deliveryId')
  @Authenticated({ audience: 'tenant', permission: 'webhooks:read' })
  @ZodResponse(200, DeliveryDetailSchema, 'One delivery with its body and every attempt')
  @StandardErrors()
  delivery(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Param('deliveryId', idParam('deliveryId')) deliveryId: string,
  ): Promise<DeliveryDetail> {
    return this.webhooks.delivery(p.tenantId, id, deliveryId);
  }

  @Post(':subscriptionId/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @Authenticated({ audience: 'tenant', permission: 'webhooks:write' })
  @IdempotentPost()
  @ZodResponse(202, DeliveryViewSchema, 'Queued again from attempt 1')
  @StandardErrors()
  replay(
    @CurrentTenant() p: TenantPrincipal,
    @Param('subscriptionId', idParam('subscriptionId')) id: string,
    @Param('deliveryId', idParam('deliveryId')) deliveryId: string,
  ): Promise<DeliveryView> {
    return this.webhooks.replay(p.id, p.tenantId, id, deliveryId);
  }
}

export type { PageQuery };
