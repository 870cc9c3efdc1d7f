import type { OpenAPIObject } from '@nestjs/swagger';

import { loadConfig } from '../config/app-config';
import { previewDocument } from './preview-document';

/** The document built as the API serves it, from a configuration. */
const documentFor = (env: Record<string, string>): Promise<OpenAPIObject> => previewDocument(loadConfig(env));

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document', () => {
  it('takes its limits from the configuration, through the zod schemas that enforce them', async () => {
    const document = await documentFor({ MAX_REVIEWS_PER_JOB: '50', MAX_TEXT_CHARS: '300', MAX_TEXTS_PER_REQUEST: '7' });
    const schemas = document.components?.schemas as Record<string, Schema>;
    expect(schemas.CreateJobRequest.properties.reviews).toMatchObject({ minItems: 1, maxItems: 50, items: { properties: { text: { maxLength: 300 } } } });
    expect(schemas.PredictManyRequest.properties.texts).toMatchObject({ minItems: 1, maxItems: 7, items: { maxLength: 300 } });
    expect(schemas.PredictRequest).toMatchObject({ required: ['text'], additionalProperties: false });
  });

  it('describes every answer: a schema for each 2xx with a body, the problem schema for every error, 401 and 429 wherever a key or the rate limit applies', async () => {
    const document = await documentFor({});
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, Schema>)) {
        const responses = operation.responses as Record<string, Schema>;
        const open = path.startsWith('/api/v1/health/') || path.startsWith('/api/v1/problems');
        if (open) expect([path, Object.keys(responses), operation.security]).toEqual([path, expect.not.arrayContaining(['401', '429']), []]);
        else expect([path, method, Object.keys(responses)]).toEqual([path, method, expect.arrayContaining(['401', '429'])]);
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) >= 400) expect(response.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
          else if (status !== '204' && !path.endsWith('/events')) expect(JSON.stringify(response.content)).toMatch(/\$ref|"type":"array"/);
        }
      }
    }
    const schemas = document.components?.schemas as Record<string, Schema>;
    // Query parameters are the validation schemas' too: bounds and defaults included.
    const limit = (document.paths['/api/v1/jobs/{id}/results'].get?.parameters as Schema[]).find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } });
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['ModelInfo', 'HealthReport', 'JobStatus', 'WebhookPayload', 'CsvUpload']));
  });
});
