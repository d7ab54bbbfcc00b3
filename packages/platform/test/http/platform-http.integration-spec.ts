import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { z } from 'zod';
import { startService } from '../../src/app/bootstrap';
import { PlatformModule } from '../../src/app/platform.module';
import { BaseConfigSchema, loadConfig } from '../../src/config/config';
import { AppError, ErrorKind } from '../../src/errors/app-error';
import { ZodValidationPipe } from '../../src/errors/zod-validation.pipe';
import type { ReadinessCheck } from '../../src/health/readiness-check';
import { createLogger } from '../../src/logging/logger';
import { TenantContext } from '../../src/tenancy/tenant-context';
import { TenantApi } from '../../src/tenancy/tenant-header.guard';

const CreateThing = z.object({
  name: z.string().min(2),
  phone: z.string().regex(/^\+\d{8,15}$/, 'must be E.164'),
});

@Controller('things')
class ThingsController {
  @Post()
  create(@Body(new ZodValidationPipe(CreateThing, 'body')) body: z.infer<typeof CreateThing>) {
    return { created: body.name };
  }

  @Get('missing')
  missing() {
    throw AppError.notFound('thing', 'x1');
  }

  @Get('limited')
  limited() {
    throw new AppError(ErrorKind.RateLimited, 'slow down', { retryAfterSeconds: 7 });
  }

  @Get('boom')
  boom() {
    throw new Error('password=hunter2 leaked internals');
  }
}

@Controller('mine')
@TenantApi()
class TenantScopedController {
  @Get()
  whoAmI() {
    return { tenantId: TenantContext.require() };
  }
}

/** A dependency whose health the test controls. */
class SwitchableCheck implements ReadinessCheck {
  readonly name = 'switchable';
  up = true;
  check() {
    return Promise.resolve({ up: this.up, details: { up: this.up } });
  }
}
const switchable = new SwitchableCheck();

describe('platform HTTP surface', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    const config = loadConfig(BaseConfigSchema, {
      SERVICE_NAME: 'kit-test',
      PORT: '0',
      NODE_ENV: 'test',
      DATABASE_URL: process.env.DATABASE_URL,
    });
    @Module({
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: 'public',
          logger: createLogger({ service: 'kit-test', level: 'silent' }),
          readiness: [SwitchableCheck],
          imports: [
            {
              module: class SwitchableModule {},
              providers: [{ provide: SwitchableCheck, useValue: switchable }],
              exports: [SwitchableCheck],
            },
          ],
        }),
      ],
      controllers: [ThingsController, TenantScopedController],
    })
    class TestAppModule {}
    app = await startService(TestAppModule, { config, bodyLimit: '1kb' });
  });
  afterAll(async () => app.close());

  it('answers liveness, and readiness with Postgres and every registered check', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ postgres: { status: 'up' }, switchable: { status: 'up' } });
  });

  it('turns unready when a dependency goes away and ready again when it returns', async () => {
    switchable.up = false;
    const down = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(down.body.error).toMatchObject({ switchable: { status: 'down' } });
    await request(app.getHttpServer()).get('/health/live').expect(200);
    switchable.up = true;
    await request(app.getHttpServer()).get('/health/ready').expect(200);
  });

  it('exposes Prometheus metrics with HTTP timings by route template', async () => {
    await request(app.getHttpServer()).get('/things/missing');
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/process_cpu_user_seconds_total\{service="kit-test"\}/);
    expect(res.text).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*route="\/things\/missing"[^}]*status="404"/,
    );
  });

  it('names the field and the rule of invalid input in problem+json', async () => {
    const res = await request(app.getHttpServer())
      .post('/things')
      .send({ name: 'x', phone: '12' })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', code: 'invalid_argument' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body.name', rule: 'too_small' }),
        expect.objectContaining({ field: 'body.phone', rule: 'invalid_format', message: 'must be E.164' }),
      ]),
    );
  });

  it('answers malformed JSON and oversized bodies with 4xx problems, not 500', async () => {
    const bad = await request(app.getHttpServer())
      .post('/things')
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: '(body)' });
    const big = await request(app.getHttpServer())
      .post('/things')
      .send({ name: 'x'.repeat(5000), phone: '+15551234567' })
      .expect(413);
    expect(big.body.status).toBe(413);
  });

  it('maps domain errors to statuses, with Retry-After where it applies', async () => {
    const missing = await request(app.getHttpServer()).get('/things/missing').expect(404);
    expect(missing.body).toMatchObject({ code: 'not_found', detail: 'thing x1 not found' });
    const limited = await request(app.getHttpServer()).get('/things/limited').expect(429);
    expect(limited.headers['retry-after']).toBe('7');
    await request(app.getHttpServer()).get('/no/such/route').expect(404);
  });

  it('takes the tenant of an internal REST call from x-tenant-id, refusing a missing or malformed one', async () => {
    const ok = await request(app.getHttpServer()).get('/mine').set('x-tenant-id', 't_acme').expect(200);
    expect(ok.body).toEqual({ tenantId: 't_acme' });
    const missing = await request(app.getHttpServer()).get('/mine').expect(401);
    expect(missing.body.code).toBe('tenant_missing');
    const bad = await request(app.getHttpServer()).get('/mine').set('x-tenant-id', 'ACME.*').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'headers.x-tenant-id', rule: 'tenant_id' });
  });

  it('hides the internals of an unexpected error', async () => {
    const res = await request(app.getHttpServer()).get('/things/boom').expect(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body).toMatchObject({ status: 500, detail: 'The server could not complete the request.' });
  });
});
