import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cc/platform';
import type { GatewayConfig } from '../../config/gateway.config';
import { InternalHttpClient } from './internal-http.client';

/** The internal REST APIs of crm and telephony (tenant in `x-tenant-id`). */
@Injectable()
export class HttpUpstreams {
  readonly crm: InternalHttpClient;
  readonly telephony: InternalHttpClient;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.crm = new InternalHttpClient('crm', config.CRM_URL, config.UPSTREAM_DEADLINE_MS);
    this.telephony = new InternalHttpClient('telephony', config.TELEPHONY_URL, config.UPSTREAM_DEADLINE_MS);
  }
}
