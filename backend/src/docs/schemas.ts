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
    explanation: {
      type: 'object',
      nullable: true,
      description: 'With "explain": true. The embedded model: each word\'s exact signed weight (> 0 towards positive; start/end count in the text with surrounding whitespace trimmed); the weights plus bias are the logit difference. null when the served model cannot explain itself.',
      properties: {
        method: { type: 'string', example: 'linear-exact' },
        unit: { type: 'string' },
        bias: { type: 'number' },
        words: {
          type: 'array',
          items: {
            type: 'object',
            required: ['text', 'start', 'end', 'weight'],
            properties: { text: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' }, weight: { type: 'number' } },
          },
        },
      },
    },
  },
};

export const predictRequestSchema: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      required: ['text'],
      properties: {
        text: { type: 'string', minLength: 1, maxLength: 5000 },
        explain: { type: 'boolean', description: 'Also say which words pushed the decision, and how much' },
      },
      example: { text: "Un chef-d'œuvre, bouleversant du début à la fin.", explain: true },
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

/** RFC 9457 problem details: the body of every error (`application/problem+json`). */
export const problemSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', format: 'uri-reference', example: '/api/v1/problems/invalid-request', description: 'GET it for what it means' },
    title: { type: 'string', example: 'Invalid request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'Invalid prediction request' },
    instance: { type: 'string', example: '/api/v1/predictions', description: 'The request path' },
    errors: {
      type: 'array',
      description: 'invalid-request: one entry per field',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
      example: [{ path: 'text', message: 'text is empty' }],
    },
    checks: { type: 'object', additionalProperties: true, description: 'not-ready: the report of each component' },
  },
  additionalProperties: true,
};

export const problemTypeDocSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'name', 'status', 'title', 'description'],
  properties: {
    type: { type: 'string', example: '/api/v1/problems/invalid-request' },
    name: { type: 'string', example: 'invalid-request' },
    status: { type: 'integer', example: 400 },
    title: { type: 'string' },
    description: { type: 'string' },
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
    name: { type: 'string', maxLength: 200, description: 'Shown in job lists' },
    callbackUrl: {
      type: 'string',
      format: 'uri',
      maxLength: 2000,
      description: 'POSTed once the job has finished, signed (see GET /api/v1/webhooks/secret); the host must be allowed, and public',
    },
    metadata: { type: 'object', additionalProperties: true, description: 'Yours, kept with the job (at most 4 KB as JSON)' },
  },
  example: { name: 'Critiques de mars', reviews: [{ id: 'a1', text: 'Un film magnifique.' }, { text: 'Nul, ennuyeux.' }] },
};

export const csvUploadSchema: SchemaObject = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'CSV with a header row' },
    textColumn: { type: 'string', description: 'Column holding the review (default: "text", then "review")' },
    idColumn: { type: 'string', description: 'Optional column holding your ids' },
    delimiter: { type: 'string', description: 'Field delimiter (default ",")' },
    name: { type: 'string', maxLength: 200, description: 'Shown in job lists' },
    callbackUrl: { type: 'string', format: 'uri', description: 'As in the JSON form' },
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
    expiresAt: { type: 'string', format: 'date-time', nullable: true, description: 'null once served from the history' },
    summary: {
      type: 'object',
      properties: { positive: { type: 'integer' }, negative: { type: 'integer' }, errors: { type: 'integer' } },
    },
    links,
    webhook: {
      type: 'object',
      description: 'Only for a job created with callbackUrl: every delivery attempt, and when the next is due',
      properties: {
        url: { type: 'string' },
        state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
        nextAttemptAt: { type: 'string', format: 'date-time', nullable: true },
        attempts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              attempt: { type: 'integer' },
              at: { type: 'string', format: 'date-time' },
              status: { type: 'integer', nullable: true, description: "The receiver's HTTP status; null when unreachable" },
              error: { type: 'string', nullable: true },
              durationMs: { type: 'integer' },
            },
          },
        },
      },
    },
  },
};

export const webhookSecretSchema: SchemaObject = {
  type: 'object',
  properties: {
    secret: { type: 'string', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: "This key's signing secret" },
    scheme: { type: 'string', example: 'standard-webhooks-v1' },
    headers: { type: 'object', properties: { id: { type: 'string' }, timestamp: { type: 'string' }, signature: { type: 'string' } } },
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

const historyItemSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', example: '1042' },
    createdAt: { type: 'string', format: 'date-time' },
    source: { type: 'string', enum: ['single', 'job'] },
    jobId: { type: 'string', format: 'uuid', nullable: true },
    reviewId: { type: 'string', nullable: true },
    text: { type: 'string', nullable: true, description: 'null when the service keeps only a hash (STORE_TEXT=false)' },
    label: { type: 'string', enum: ['positive', 'negative'] },
    score: { type: 'number' },
    probabilities,
    uncertain: { type: 'boolean' },
    latencyMs: { type: 'number', nullable: true, description: 'Single: the request; job: model time per review' },
    model: { type: 'string' },
    version: { type: 'string' },
  },
};

export const historyPageSchema: SchemaObject = {
  type: 'object',
  properties: {
    items: { type: 'array', items: historyItemSchema },
    nextCursor: { type: 'string', nullable: true, description: 'cursor of the next (older) page; null on the last' },
  },
};

export const statsSchema: SchemaObject = {
  type: 'object',
  properties: {
    bucket: { type: 'string', enum: ['hour', 'day'] },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    buckets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          start: { type: 'string', format: 'date-time' },
          total: { type: 'integer' },
          positive: { type: 'integer' },
          negative: { type: 'integer' },
          meanScore: { type: 'number' },
          meanLatencyMs: { type: 'number', nullable: true },
        },
      },
    },
    total: {
      type: 'object',
      properties: { total: { type: 'integer' }, positive: { type: 'integer' }, negative: { type: 'integer' } },
    },
  },
};

export const jobListSchema: SchemaObject = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string', nullable: true },
          metadata: { type: 'object', nullable: true, additionalProperties: true },
          state: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
          total: { type: 'integer' },
          done: { type: 'integer' },
          failed: { type: 'integer' },
          positive: { type: 'integer' },
          negative: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time', nullable: true },
        },
      },
    },
    nextCursor: { type: 'string', nullable: true },
  },
};
