import { applyDecorators } from '@nestjs/common';
import { ApiQuery, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';
import { z } from 'zod';

import { AppConfig } from '../config/app-config';
import { Limits, compatRequestForms, createJobRequest, csvUploadForm, predictRequestForms } from '../validation/schemas';
import { asProblemResponses, problemTypesDescription } from './problem-docs';
import { RESPONSE_SCHEMAS } from './responses';
import { COMPONENTS, RequestSchemaName, SchemaName, ref } from './schema-ref';

/**
 * The OpenAPI document, generated: routes and operations from the controllers' decorators, every schema from the
 * zod schemas that validate requests (with this configuration's limits) and describe responses. The committed
 * copy (libs/contracts/openapi.json, default limits) and the types generated from it are kept current by
 * `npm run api:generate` and checked by `npm test`.
 */
function requestSchemas(limits: Limits): Record<RequestSchemaName, z.ZodType> {
  const { single, many } = predictRequestForms(limits);
  const compat = compatRequestForms(limits);
  return {
    CompatPredictRequest: compat.single.describe('Deprecated: the original app\'s request'),
    CompatBatchRequest: compat.batch.describe('Deprecated: the original app\'s request'),
    PredictRequest: single.describe('One review'),
    PredictManyRequest: many.describe(`Up to ${limits.MAX_TEXTS_PER_REQUEST} reviews`),
    CreateJobRequest: createJobRequest(limits),
    // OpenAPI 3.0 writes a file part as a binary string (zod's z.file() adds contentEncoding, which 3.0 lacks).
    CsvUpload: csvUploadForm.extend({ file: z.string().meta({ format: 'binary' }).describe('CSV with a header row, UTF-8 or Windows-1252') }),
  };
}

type JsonSchema = Record<string, unknown>;

/** zod → OpenAPI 3.0 components; requests as clients write them (input), responses as the API sends them. */
function components(limits: Limits): Record<string, JsonSchema> {
  const convert = (schemas: Record<string, z.ZodType>, io: 'input' | 'output') => {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
    const { schemas: out } = z.toJSONSchema(registry, { target: 'openapi-3.0', io, uri: (id) => `${COMPONENTS}${id}`, unrepresentable: 'any' }) as {
      schemas: Record<string, JsonSchema>;
    };
    return Object.fromEntries(Object.entries(out).map(([id, schema]) => [id, withoutIds(schema) as JsonSchema]));
  };
  return { ...convert(RESPONSE_SCHEMAS, 'output'), ...convert(requestSchemas(limits), 'input') };
}

/** `$id` is JSON Schema's, not OpenAPI 3.0's. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$id').map(([key, inner]) => [key, withoutIds(inner)]));
}

/** One zod schema as OpenAPI 3.0 states what a client may send. */
export const requestJsonSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** `@ApiQuery` for every field of a query schema: names, types, bounds and defaults as zod validates them. */
export function ApiQueryFrom(schema: z.ZodType) {
  const described = requestJsonSchema(schema) as { properties: Record<string, JsonSchema>; required?: string[] };
  return applyDecorators(
    ...Object.entries(described.properties).map(([name, property]) =>
      ApiQuery({ name, required: described.required?.includes(name) ?? false, schema: property, description: property.description as string | undefined }),
    ),
  );
}

/** Operations whose body differs by media type (Nest's @ApiBody gives every media type the same schema). */
const BODIES: Record<string, Record<string, SchemaName>> = {
  JobsController_create: { 'application/json': 'CreateJobRequest', 'multipart/form-data': 'CsvUpload' },
};

/** Routes that need no key and are not rate-limited (probes, the problem catalogue): no 401 or 429 there. */
const OPEN_ROUTES = ['/api/v1/health/live', '/api/v1/health/ready', '/api/v1/problems', '/api/v1/problems/{name}', '/health'];

function openRoutes(document: OpenAPIObject): void {
  for (const path of OPEN_ROUTES) {
    for (const operation of Object.values(document.paths[path] ?? {}) as { responses?: Record<string, unknown>; security?: unknown[] }[]) {
      if (!operation.responses) continue;
      delete operation.responses['401'];
      delete operation.responses['429'];
      operation.security = [];
    }
  }
}

function bodiesByMediaType(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { operationId?: string; requestBody?: { content: Record<string, unknown> } }[]) {
      const bodies = operation.operationId ? BODIES[operation.operationId] : undefined;
      if (!bodies || !operation.requestBody) continue;
      operation.requestBody.content = Object.fromEntries(Object.entries(bodies).map(([type, name]) => [type, { schema: ref(name) }]));
    }
  }
}

export function openApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Allociné Sentiment API')
      .setDescription('Positive or negative for French movie reviews: one at a time, or ten thousand as a job.\n\n' + problemTypesDescription())
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'api-key')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The same API key, as a Bearer token' }, 'bearer')
      // With API_KEYS set, every route but health needs one of them (either form).
      .addSecurityRequirements('api-key')
      .addSecurityRequirements('bearer')
      .addGlobalResponse(
        { status: 401, description: 'Missing or invalid API key (when the API has keys)' },
        { status: 429, description: 'Too many requests, or too many wrong keys from this address (Retry-After)' },
      )
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...components(config) } };
  bodiesByMediaType(document);
  openRoutes(document);
  return asProblemResponses(document);
}
