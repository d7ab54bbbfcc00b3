import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminApiModule, TenantApiModule } from '../gateway.module';

/** Builds both documents from the controllers and their zod schemas (docs/adr-draft-openapi.md). */
export function buildOpenApiDocuments(app: INestApplication): {
  tenant: OpenAPIObject;
  admin: OpenAPIObject;
} {
  const base = (title: string, description: string) =>
    new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1').addBearerAuth().build();
  const tenant = SwaggerModule.createDocument(
    app,
    base(
      'Contact center — tenant API',
      "A client company's own data. The tenant is the one of the credential (API key `cck_live_...` or a user's access token).",
    ),
    { include: [TenantApiModule] },
  );
  const admin = SwaggerModule.createDocument(
    app,
    base(
      'Contact center — operator admin API',
      "The operator's provisioning API: tenants, their users and API keys.",
    ),
    { include: [AdminApiModule] },
  );
  return { tenant, admin };
}

/** Serves `/v1/openapi.json`, `/admin/v1/openapi.json` and Swagger UI at `/docs`. */
export function mountOpenApi(app: INestApplication): void {
  const { tenant, admin } = buildOpenApiDocuments(app);
  const http = app.getHttpAdapter();
  http.get('/v1/openapi.json', (_req: Request, res: Response) => res.json(tenant));
  http.get('/admin/v1/openapi.json', (_req: Request, res: Response) => res.json(admin));
  SwaggerModule.setup('docs', app, tenant, {
    explorer: true,
    swaggerOptions: {
      urls: [
        { url: '/v1/openapi.json', name: 'Tenant API /v1' },
        { url: '/admin/v1/openapi.json', name: 'Operator admin API /admin/v1' },
      ],
    },
  });
}
