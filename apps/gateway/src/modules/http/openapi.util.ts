import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI schema of a zod schema: the same object the route validates with, so the document
 * cannot drift from the code (docs/adr-draft-openapi.md).
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
});

/** The request body: validated by ZodValidationPipe with the same schema. */
export function ZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: openApiSchema(schema, 'input') as never, required: true });
}

/** One documented response. */
export function ZodResponse(
  status: number,
  schema: z.ZodType | undefined,
  description: string,
): MethodDecorator {
  return ApiResponse({
    status,
    description,
    ...(schema ? { schema: openApiSchema(schema) } : {}),
  });
}

/** The query parameters of a zod object schema. */
export function ZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = openApiSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: required.has(name), schema: property as never }),
    ),
  );
}

/** The problem+json responses every authenticated route can give. */
export function StandardErrors(): MethodDecorator {
  const problem = openApiSchema(ProblemSchema);
  return applyDecorators(
    ...[
      [400, 'Invalid input; `errors` names each field'],
      [401, 'Missing, invalid or expired credential'],
      [403, 'The credential may not do this'],
      [404, 'Not found (or not yours)'],
      [429, 'Rate limited; see Retry-After'],
      [503, 'A service behind this route is unavailable; see Retry-After'],
    ].map(([status, description]) =>
      ApiResponse({
        status: status as number,
        description: description as string,
        content: { 'application/problem+json': { schema: problem } },
      }),
    ),
  );
}

export function IdempotentPost(): MethodDecorator {
  return ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key and body within 24 h replays the first response; same key with another body gives 422.',
  });
}

export function IfMatchHeader(): MethodDecorator {
  return ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag you read; 412 if it is stale.',
  });
}

/** A Server-Sent Events response: each event's `data` is `schema` (`x-cc-stream` marks the route). */
export function ZodEventStream(schema: z.ZodType, description: string): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status: 200,
      description,
      content: { 'text/event-stream': { schema: openApiSchema(schema) } },
    }),
    ApiExtension('x-cc-stream', true),
    ApiResponse({
      status: 503,
      description: 'The service behind this route is unavailable; see Retry-After',
      content: { 'application/problem+json': { schema: openApiSchema(ProblemSchema) } },
    }),
  );
}
