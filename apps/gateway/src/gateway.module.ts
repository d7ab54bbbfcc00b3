import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { APP_CONFIG } from '@cc/platform';
import { type GatewayConfig, webhookSecretKeys } from './config/gateway.config';
import { Clock, SystemClock } from './infrastructure/clock';
import { SecretCipher } from './infrastructure/secret-cipher.util';
import { GatewayDatabase } from './infrastructure/gateway-database';
import { AgentsController } from './modules/agents/agents.controller';
import { AgentsService } from './modules/agents/agents.service';
import { CustomersController } from './modules/customers/customers.controller';
import { CustomersService } from './modules/customers/customers.service';
import { AgentsAdminController } from './modules/agents/agents.admin.controller';
import { TelephonyAdminController } from './modules/telephony/telephony.admin.controller';
import { TelephonyAdminService } from './modules/telephony/telephony-admin.service';
import { TelephonyController } from './modules/telephony/telephony.controller';
import { CallsController } from './modules/calls/calls.controller';
import { CallsService } from './modules/calls/calls.service';
import { QueuesController } from './modules/queues/queues.controller';
import { QueuesService } from './modules/queues/queues.service';
import { SkillsController } from './modules/queues/skills.controller';
import { GrpcUpstreams } from './modules/upstreams/grpc-upstreams';
import { HttpUpstreams } from './modules/upstreams/http-upstreams';
import { ApiKeysAdminController } from './modules/api-keys/api-keys.admin.controller';
import { ApiKeysController } from './modules/api-keys/api-keys.controller';
import { ApiKeysService } from './modules/api-keys/api-keys.service';
import { AuditController } from './modules/audit/audit.controller';
import { AuditService } from './modules/audit/audit.service';
import { AuthController } from './modules/auth/auth.controller';
import { AuthGuard } from './modules/auth/auth.guard';
import { AuthService } from './modules/auth/auth.service';
import { Authenticator } from './modules/auth/authenticator.service';
import { PasswordHasher } from './modules/auth/password-hasher.service';
import { TokenService } from './modules/auth/token.service';
import { IdempotencyInterceptor } from './modules/http/idempotency.interceptor';
import { WellFormedTextPipe } from './modules/http/well-formed-text.pipe';
import { ExistingTenantPipe, TenantsService } from './modules/tenants/tenants.service';
import { TenantPurgeJob } from './modules/tenants/tenant-purge.job';
import { TenantsAdminController } from './modules/tenants/tenants.admin.controller';
import { UsersAdminController } from './modules/users/users.admin.controller';
import { UsersController } from './modules/users/users.controller';
import { UsersService } from './modules/users/users.service';
import { WebhookDispatcher } from './modules/webhooks/webhook-dispatcher.service';
import {
  WEBHOOK_FANOUT_OPTIONS,
  WebhookFanoutConsumer,
  type WebhookFanoutOptions,
} from './modules/webhooks/webhook-fanout.consumer';
import { WebhookSecrets } from './modules/webhooks/webhook-secrets.service';
import { FetchWebhookSender, WebhookSender } from './modules/webhooks/webhook-sender';
import { WebhooksController } from './modules/webhooks/webhooks.controller';
import { WebhooksService } from './modules/webhooks/webhooks.service';

/** Shared providers: database, identity, audit and the domain services. */
@Module({})
export class GatewayCoreModule {
  static forRoot(options: { clock?: Clock; sender?: WebhookSender }): DynamicModule {
    const providers: Provider[] = [
      GatewayDatabase,
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      options.sender
        ? { provide: WebhookSender, useValue: options.sender }
        : { provide: WebhookSender, useClass: FetchWebhookSender },
      {
        provide: SecretCipher,
        useFactory: (config: GatewayConfig) => new SecretCipher(webhookSecretKeys(config)),
        inject: [APP_CONFIG],
      },
      WebhookSecrets,
      PasswordHasher,
      TokenService,
      Authenticator,
      AuthService,
      AuditService,
      TenantsService,
      ExistingTenantPipe,
      UsersService,
      ApiKeysService,
      WebhooksService,
      GrpcUpstreams,
      HttpUpstreams,
      QueuesService,
      AgentsService,
      CustomersService,
      TelephonyAdminService,
      CallsService,
      TenantPurgeJob,
    ];
    return {
      module: GatewayCoreModule,
      global: true,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}

/** `/v1`: a tenant's own API; the tenant is the credential's. */
@Module({
  controllers: [
    AuthController,
    ApiKeysController,
    UsersController,
    AuditController,
    WebhooksController,
    QueuesController,
    SkillsController,
    AgentsController,
    CustomersController,
    TelephonyController,
    CallsController,
  ],
})
export class TenantApiModule {}

/** `/admin/v1`: the operator's API. */
@Module({
  controllers: [
    TenantsAdminController,
    UsersAdminController,
    ApiKeysAdminController,
    AgentsAdminController,
    TelephonyAdminController,
  ],
})
export class AdminApiModule {}

export interface GatewayModuleOptions {
  clock?: Clock;
  sender?: WebhookSender;
  /** Fan facts out and deliver webhooks (needs the MessagingModule). */
  webhooks?: WebhookFanoutOptions | false;
}

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      { provide: APP_PIPE, useClass: WellFormedTextPipe },
    ];
    if (options.webhooks) {
      providers.push(
        { provide: WEBHOOK_FANOUT_OPTIONS, useValue: options.webhooks },
        WebhookFanoutConsumer,
        WebhookDispatcher,
      );
    }
    return {
      module: GatewayModule,
      imports: [
        GatewayCoreModule.forRoot({
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.sender ? { sender: options.sender } : {}),
        }),
        TenantApiModule,
        AdminApiModule,
      ],
      providers,
    };
  }
}
