import { z } from 'zod';

import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';

/**
 * Every setting the backend reads, parsed and validated once at boot.
 * Nothing else in the backend reads `process.env`.
 */
const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
/** Unset: the value comes from the served model's serving profile (see ServingProfileService). */
const fromProfile = (min = 1) => z.coerce.number().int().min(min).optional();
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
/** "true"/"false" (also 1/0, yes/no): an unset variable takes the default. */
const flag = (fallback: boolean) => z.stringbool().default(fallback);
const SIZE = /^(\d+)(b|kb|mb)?$/i;
const bytes = z
  .string()
  .default('10mb')
  .refine((value) => SIZE.test(value), 'expected a size such as 10mb, 512kb or 1048576');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /**
   * `all` serves the API and runs queue workers (and the stream connector when KAFKA_BROKERS is set); `api`,
   * `worker` or `stream` run one of them per process.
   */
  APP_ROLE: z.enum(['all', 'api', 'worker', 'stream']).default('all'),
  PORT: integer(3000, 1),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default('allocine'),
  /** Kafka brokers (host:port, comma-separated): set, the stream connector runs (README, Streaming). */
  KAFKA_BROKERS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[\w.-]+:\d+$/, 'expected host:port, comma-separated'))),
  /** Where reviews arrive, where sentiments go, and where messages that cannot be classified go, with why. */
  STREAM_INPUT_TOPIC: z.string().min(1).default('allocine.reviews.v1'),
  STREAM_OUTPUT_TOPIC: z.string().min(1).default('allocine.sentiments.v1'),
  STREAM_DLQ_TOPIC: z.string().min(1).default('allocine.reviews.v1.dlq'),
  /** The connectors' consumer group: connectors of one group share the input topic's partitions. */
  STREAM_GROUP_ID: z.string().min(1).default('allocine-sentiment-stream'),
  /**
   * How long the group waits for a silent connector before its partitions move to the others (a crashed one is
   * noticed after this), and how often a connector says it is alive.
   */
  STREAM_SESSION_TIMEOUT_MS: integer(10_000, 6_000),
  STREAM_HEARTBEAT_MS: integer(1_000, 100),
  /** Partitions of the topics the connector creates when they do not exist. */
  STREAM_PARTITIONS: integer(3, 1),
  /**
   * Reviews per model-server call at most (a micro-batch; by default the profile's chunk size, as job chunks),
   * micro-batches at the model server at once (by default the profile's chunk concurrency, as jobs), and how long
   * a partial batch waits for more.
   */
  STREAM_BATCH_SIZE: fromProfile(),
  STREAM_CONCURRENCY: fromProfile(),
  STREAM_LINGER_MS: integer(20, 0),
  /** After single predictions were last asked for, how long the stream keeps one micro-batch in flight (0: never yields). */
  STREAM_YIELD_MS: integer(2_000, 0),
  /**
   * at-least-once: offsets committed once the broker holds the batch's results (a crash replays the batch in
   * hand: duplicates, keyed by review id). exactly-once: results and offsets in one Kafka transaction (readers
   * of the output topic use isolation.level=read_committed); README, Streaming, for what each costs.
   */
  /** How often API processes look at the stream from the broker (lag, rate: readiness, metrics, Santé). */
  STREAM_MONITOR_INTERVAL_MS: integer(5_000, 500),
  STREAM_DELIVERY: z.enum(['at-least-once', 'exactly-once']).default('at-least-once'),
  /**
   * Whose history the streamed predictions join: the owner of this key (one of API_KEYS or UI_API_KEY).
   * Unset: the UI's key (UI_API_KEY) when set, else anonymous (what the UI sees when no keys are set).
   */
  STREAM_HISTORY_KEY: z.string().min(1).optional(),
  /**
   * One model server, or several separated by commas (replicas without a load balancer in front: calls go
   * round-robin, and one refused or reset moves on to the next at once).
   */
  MODEL_SERVER_URL: z
    .string()
    .default('http://127.0.0.1:8080')
    .transform((value) => value.split(',').map((url) => url.trim().replace(/\/$/, '')).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }), { error: 'expected http(s) URLs separated by commas' }).min(1)),
  /** The bulk lane (job chunks); single predictions go to `${MODEL_NAME}-interactive`, a lane of their own. */
  MODEL_NAME: z.string().min(1).default(MODEL_SERVER_CONTRACT.modelName),
  /** HTTP timeout of one model-server call; by default the profile's (longer than TorchServe's own). */
  MODEL_SERVER_TIMEOUT_MS: fromProfile(100),
  /** How often the serving profile is asked again (it changes when another model is deployed). */
  PROFILE_REFRESH_MS: integer(60_000, 1_000),
  /**
   * TorchServe's management API, which must stay on localhost: the backend's admin routes register model
   * versions and switch the live one through it (docs/model-lifecycle.md).
   */
  MODEL_SERVER_MANAGEMENT_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8081').transform((url) => url.replace(/\/$/, '')),
  /** Registered model versions, one folder each with its card.json (`npm run model:train -- --with-feedback` writes them). */
  MODEL_REGISTRY_DIR: z.string().default('model-server/registry'),
  /** Copies of live reviews waiting for the shadow version at most; beyond, the oldest are dropped (it is a sample). */
  SHADOW_BACKLOG: integer(10_000, 1),
  /** JSON written by the training command; its metrics are what GET /model reports as documented accuracy. */
  MODEL_METRICS_PATH: z.string().default('model-server/model/embedded/embedded_model.json'),
  /** What live traffic is compared with for drift (`npm run model:drift-baseline` writes it); missing: drift off. */
  DRIFT_BASELINE_PATH: z.string().default('model-server/model/embedded/drift-baseline.json'),
  /** Single predictions one worker process handles at once (each is one short model call). */
  WORKER_CONCURRENCY: integer(32, 1),
  /** Job chunks in flight at the model server, all workers together; by default the profile's. */
  CHUNK_CONCURRENCY: fromProfile(),
  /** How often workers requeue work whose worker died: its lock (30 s, renewed while alive) has expired. */
  STALLED_CHECK_MS: integer(30_000, 100),
  /** Reviews per job chunk (one model-server call); by default the profile's. */
  CHUNK_SIZE: fromProfile(),
  /** With capped backoff, 20 attempts ride out a model-server outage of about 2.5 minutes (a restart). */
  JOB_ATTEMPTS: integer(20, 1),
  PREDICT_ATTEMPTS: integer(2, 1),
  RETRY_BACKOFF_MS: integer(500, 1),
  /** Retries of a chunk wait twice as long each time, up to this. */
  RETRY_MAX_BACKOFF_MS: integer(10_000, 1),
  PREDICT_TIMEOUT_MS: integer(15_000, 100),
  RESULTS_TTL_SECONDS: integer(24 * 3600, 60),
  /** How long an Idempotency-Key on POST /jobs answers with its first job. */
  IDEMPOTENCY_TTL_SECONDS: integer(24 * 3600, 60),
  /** Single predictions waiting for a worker, beyond which new ones get 503 (the batch lane never counts). */
  MAX_QUEUE_DEPTH: integer(2_000, 1),
  /** Job chunks waiting, all clients together, beyond which new jobs get 503: a bound for Redis, not a share. */
  MAX_BATCH_QUEUE_DEPTH: integer(20_000, 1),
  /** Reviews one client may have queued or running at once (two full jobs by default); past it, 429. */
  MAX_QUEUED_REVIEWS_PER_CLIENT: integer(20_000, 1),
  MAX_TEXT_CHARS: integer(5_000, 1),
  MAX_TEXTS_PER_REQUEST: integer(100, 1),
  MAX_REVIEWS_PER_JOB: integer(10_000, 1),
  JOB_BODY_LIMIT: bytes,
  JSON_BODY_LIMIT: bytes.default('1mb'),
  CORS_ORIGINS: list,
  /** Keys accepted in `X-API-Key` (or `Authorization: Bearer`); each key sees only the jobs it created. */
  API_KEYS: list,
  /**
   * Keys with the admin role (model operations, every key's corrections), accepted like API_KEYS. A key of
   * API_KEYS or UI_API_KEY is a client: it reads and corrects only its own predictions. Without any key, the one
   * user of a local `npm start` is the operator: admin.
   */
  ADMIN_KEYS: list,
  /**
   * The UI server's own key (npm start's UI server, nginx in compose lend it to the browser's calls). Accepted
   * like any key, with its own jobs and history; never one of API_KEYS, so an integrator's key never sits in a
   * proxy that anyone reaching the UI can use.
   */
  UI_API_KEY: z.string().min(1).optional(),
  /**
   * UI_API_KEY's role: `client` (default) or `admin`, for a UI whose every user may run model operations
   * (shadow, promote, roll back) — only where the UI itself is reachable by operators alone.
   */
  UI_ROLE: z.enum(['client', 'admin']).default('client'),
  /** Serve without keys in production (refused otherwise): only behind something that authenticates. */
  ALLOW_ANONYMOUS: flag(false),
  /**
   * The original app's API at the root (/predict, /predict_batch, /health, /model_info), deprecated, for its
   * clients: the same queue, keys, limits and history as /api/v1.
   */
  COMPAT_API: flag(false),
  /** With keys set: false makes /metrics and /api/docs need a key too. */
  METRICS_PUBLIC: flag(true),
  DOCS_PUBLIC: flag(true),
  /** Requests per minute per client address, counted in Redis so every API replica shares the count. */
  RATE_LIMIT_PER_MINUTE: integer(600, 1),
  /** Wrong or missing keys per minute from one address before it is refused (429) for the rest of the minute. */
  AUTH_FAILURES_PER_MINUTE: integer(10, 1),
  /**
   * Which proxies' X-Forwarded-For is believed (Express `trust proxy`: loopback, uniquelocal, CIDRs, a hop
   * count, or false). The client address it yields keys the rate limits; trust only proxies that overwrite it.
   */
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((value) => (/^(true|false)$/.test(value) ? value === 'true' : /^\d+$/.test(value) ? Number(value) : value)),
  /** Live progress streams (GET /jobs/:id/events) one client may hold open at once, per API process. */
  MAX_EVENT_STREAMS_PER_CLIENT: integer(10, 1),
  /** Jobs one client (its key, or its address without keys) may have queued or running at once. */
  MAX_ACTIVE_JOBS_PER_CLIENT: integer(20, 1),
  /**
   * What one client's jobs may hold in Redis, finished jobs' results included (text, ids and ~200 bytes a row),
   * until they expire (RESULTS_TTL_SECONDS) or are deleted; past it new jobs get 429.
   */
  RESULTS_BYTES_PER_CLIENT: bytes.default('200mb'),
  /** Review text accepted and not yet finished, all jobs together; past it new jobs get 503 + Retry-After. */
  ACCEPTED_WORK_BYTES: bytes.default('256mb'),
  SHUTDOWN_GRACE_MS: integer(30_000, 0),
  /** pino levels; tests default to warn. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** json: one object per line (collectors); pretty: one readable line each (npm start sets it). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** OpenTelemetry traces to this OTLP/HTTP collector (http://collector:4318); unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Default: allocine-sentiment-<APP_ROLE>. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /**
   * Webhooks: each API key's signing secret is derived from this (GET /api/v1/webhooks/secret); unset, jobs
   * refuse a callbackUrl. At least 32 characters, from a secret store.
   */
  WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Hosts callbacks may go to (`hooks.example.com`, `*.example.com`); empty: any public host. */
  WEBHOOK_ALLOWED_HOSTS: list,
  /** Callbacks to loopback, private or link-local addresses (SSRF): only for tests and closed networks. */
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  WEBHOOK_MAX_ATTEMPTS: integer(8, 1),
  /** Retries wait twice as long each time from this, up to WEBHOOK_MAX_BACKOFF_MS (8 attempts span ~1 h). */
  WEBHOOK_BACKOFF_MS: integer(30_000, 1),
  WEBHOOK_MAX_BACKOFF_MS: integer(30 * 60_000, 1),
  WEBHOOK_TIMEOUT_MS: integer(10_000, 100),
  /** Callback deliveries of one key in flight at once per worker process (of its 16): the rest wait their turn. */
  WEBHOOK_CONCURRENCY_PER_CLIENT: integer(2, 1),
  /** History in PostgreSQL (postgres://user:password@host:5432/db); takes precedence over HISTORY_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** History in an embedded PostgreSQL (PGlite) kept in this directory; one process only (APP_ROLE=all). */
  HISTORY_DIR: z.string().default(''),
  /** false: history keeps a SHA-256 of each review instead of its text. */
  STORE_TEXT: flag(true),
  /** History events the database refused, kept for inspection and replay (npm run history:dead); oldest dropped first. */
  HISTORY_DEAD_MAX: integer(10_000, 1),
  /** History older than this many days is purged every hour; 0 keeps it forever. */
  RETENTION_DAYS: integer(0),
});

/**
 * Rules across variables: the embedded history belongs to one process; production refuses to serve the API
 * without keys unless anonymous access is asked for by name.
 */
const checkedSchema = configSchema.superRefine((config, context) => {
  if (config.HISTORY_DIR && !config.DATABASE_URL && config.APP_ROLE !== 'all') {
    context.addIssue({
      code: 'custom',
      path: ['HISTORY_DIR'],
      message: 'the embedded history belongs to one process (APP_ROLE=all); split roles need DATABASE_URL',
    });
  }
  if (config.UI_API_KEY && config.API_KEYS.includes(config.UI_API_KEY)) {
    context.addIssue({
      code: 'custom',
      path: ['UI_API_KEY'],
      message: 'must be a key of its own, not one of API_KEYS: whoever reaches the UI acts with it',
    });
  }
  for (const key of config.ADMIN_KEYS) {
    if (config.API_KEYS.includes(key) || key === config.UI_API_KEY) {
      context.addIssue({ code: 'custom', path: ['ADMIN_KEYS'], message: 'an admin key must not also be a client key (API_KEYS, UI_API_KEY): one key, one role' });
    }
  }
  // A connector beside no API may not know the keys: it is checked where it does.
  const keys = [...config.API_KEYS, ...(config.UI_API_KEY ? [config.UI_API_KEY] : [])];
  if (config.STREAM_HISTORY_KEY && keys.length > 0 && !keys.includes(config.STREAM_HISTORY_KEY)) {
    context.addIssue({ code: 'custom', path: ['STREAM_HISTORY_KEY'], message: 'must be one of API_KEYS or UI_API_KEY: the history is read with it' });
  }
  if (config.APP_ROLE === 'stream' && config.KAFKA_BROKERS.length === 0) {
    context.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'required with APP_ROLE=stream (host:port, comma-separated)' });
  }
  const servesApi = config.APP_ROLE === 'all' || config.APP_ROLE === 'api';
  if (config.NODE_ENV === 'production' && servesApi && config.API_KEYS.length === 0 && config.ADMIN_KEYS.length === 0 && !config.UI_API_KEY && !config.ALLOW_ANONYMOUS) {
    context.addIssue({
      code: 'custom',
      path: ['API_KEYS'],
      message: 'required in production (comma-separated keys); or set ALLOW_ANONYMOUS=true to serve without keys',
    });
  }
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parse the environment; on failure the message names each bad variable and why. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = checkedSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/** Express-style size string ("10mb") to bytes. */
export function toBytes(size: string): number {
  const match = SIZE.exec(size);
  if (!match) throw new ConfigError(`not a size: ${size}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}
