import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PrivateNatsServer, waitFor } from '@cc/testing';
import request from 'supertest';
import { startService } from '../../src/app/bootstrap';
import { PlatformModule } from '../../src/app/platform.module';
import { BaseConfigSchema, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';

jest.setTimeout(60_000);

describe('readiness follows NATS', () => {
  let nats: PrivateNatsServer;
  let app: NestExpressApplication;

  beforeAll(async () => {
    nats = await PrivateNatsServer.start();
    const config = loadConfig(BaseConfigSchema, {
      SERVICE_NAME: 'kit-nats',
      PORT: '0',
      NODE_ENV: 'test',
      NATS_URL: nats.url,
      DATABASE_URL: process.env.DATABASE_URL,
    });
    @Module({
      imports: [
        PlatformModule.forRoot({
          config,
          databaseSchema: 'public',
          messaging: { streams: [], consumers: [] },
          logger: createLogger({ service: 'kit-nats', level: 'silent' }),
        }),
      ],
    })
    class AppModule {}
    app = await startService(AppModule, { config });
  });

  afterAll(async () => {
    await app?.close();
    await nats?.dispose();
  });

  const ready = () => request(app.getHttpServer()).get('/health/ready');

  it('is ready with NATS, unready while it is gone, ready again when it returns, and alive throughout', async () => {
    const up = await ready().expect(200);
    expect(up.body.info).toMatchObject({
      nats: { status: 'up', connection: 'connected' },
      postgres: { status: 'up' },
    });

    await nats.stop();
    const down = await waitFor('readiness to turn 503', async () => {
      const res = await ready();
      return res.status === 503 ? res : undefined;
    });
    expect(down.body.error).toMatchObject({ nats: { status: 'down' } });
    expect(down.body.info).toMatchObject({ postgres: { status: 'up' } });
    await request(app.getHttpServer()).get('/health/live').expect(200);

    await nats.start();
    await waitFor(
      'readiness to return',
      async () => ((await ready()).status === 200 ? true : undefined),
      30_000,
    );
  });
});
