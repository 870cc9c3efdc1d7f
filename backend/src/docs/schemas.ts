import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** OpenAPI schemas of the request and response bodies (the shapes in @allocine/contracts). */
const probabilities: SchemaObject = {
  type: 'object',
  properties: { negative: { type: 'number', example: 0.03 }, positive: { type: 'number', example: 0.97 } },
};

export const predictionSchema: SchemaObject = {
  type: 'object',
  properties: {
    label: { type: 'string', enum: ['positive', 'negative'] },
    score: { type: 'number', description: 'Calibrated probability of the label', example: 0.97 },
    probabilities,
    uncertain: { type: 'boolean', description: 'Probability too close to 0.5 to trust' },
    truncated: { type: 'boolean', description: 'Only the beginning of the text was read' },
    model: { type: 'string', example: 'allocine-embedded-ngram' },
    version: { type: 'string', example: '1.0' },
    latencyMs: { type: 'integer', example: 12 },
  },
};

export const predictRequestSchema: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      required: ['text'],
      properties: { text: { type: 'string', minLength: 1, maxLength: 5000 } },
      example: { text: "Un chef-d'œuvre, bouleversant du début à la fin." },
    },
    {
      type: 'object',
      required: ['texts'],
      properties: { texts: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string' } } },
      example: { texts: ['Un film magnifique.', 'Nul, ennuyeux.'] },
    },
  ],
};

export const predictManySchema: SchemaObject = {
  type: 'object',
  properties: { results: { type: 'array', items: predictionSchema }, latencyMs: { type: 'integer' } },
};

export const errorSchema: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'Invalid prediction request' },
    details: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
      example: [{ path: 'text', message: 'text is empty' }],
    },
  },
};

export const createJobSchema: SchemaObject = {
  type: 'object',
  required: ['reviews'],
  properties: {
    reviews: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['text'],
        properties: { id: { type: 'string', description: 'Your id; defaults to the 1-based position' }, text: { type: 'string' } },
      },
    },
  },
  example: { reviews: [{ id: 'a1', text: 'Un film magnifique.' }, { text: 'Nul, ennuyeux.' }] },
};

export const csvUploadSchema: SchemaObject = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'CSV with a header row' },
    textColumn: { type: 'string', description: 'Column holding the review (default: "text", then "review")' },
    idColumn: { type: 'string', description: 'Optional column holding your ids' },
    delimiter: { type: 'string', description: 'Field delimiter (default ",")' },
  },
};

const links: SchemaObject = {
  type: 'object',
  properties: { self: { type: 'string' }, results: { type: 'string' }, csv: { type: 'string' } },
};

export const jobStatusSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    state: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
    progress: {
      type: 'object',
      properties: { done: { type: 'integer' }, total: { type: 'integer' }, failed: { type: 'integer' } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time', nullable: true },
    finishedAt: { type: 'string', format: 'date-time', nullable: true },
    expiresAt: { type: 'string', format: 'date-time' },
    summary: {
      type: 'object',
      properties: { positive: { type: 'integer' }, negative: { type: 'integer' }, errors: { type: 'integer' } },
    },
    links,
  },
};

export const jobResultsSchema: SchemaObject = {
  type: 'object',
  properties: {
    jobId: { type: 'string' },
    state: { type: 'string' },
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    total: { type: 'integer' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          text: { type: 'string' },
          status: { type: 'string', enum: ['done', 'error', 'pending'] },
          label: { type: 'string', enum: ['positive', 'negative'] },
          score: { type: 'number' },
          probabilities,
          uncertain: { type: 'boolean' },
          truncated: { type: 'boolean' },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};
