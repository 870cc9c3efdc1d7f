import { createHash } from 'node:crypto';

/**
 * The service's Redis key layout, in one place: every key the service writes besides BullMQ's own queues
 * (which BullMQ lays out under the same prefix). Lua scripts get the names they read from here too, as
 * arguments or as the constants below interpolated into their text, never spelled out again.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** A batch job's record (a hash of JOB_FIELDS), and the keys that share its prefix. */
  readonly job = (id: string) => `${this.jobPrefix}${id}`;
  /** What Lua scripts prepend to a job id to read its record. */
  get jobPrefix(): string {
    return `${this.prefix}:job:`;
  }
  /** Each finished chunk's counts (chunk index → counts). */
  readonly jobProgress = (id: string) => `${this.job(id)}:progress`;
  /** A chunk's rows: its reviews, pending until classified. */
  readonly jobChunk = (id: string, index: number) => `${this.job(id)}:chunk:${index}`;
  /** Left by a deletion for the results' retention: the history's copy must not be read meanwhile. */
  readonly jobTombstone = (id: string) => `${this.job(id)}${JOB_TOMBSTONE_SUFFIX}`;
  /** The pub/sub channel where each change of a job is announced (event streams listen). */
  readonly jobChanges = (id: string) => `${this.job(id)}:changed`;

  /** Unfinished jobs, all clients: job id → "bytes|admitted at ms|reviews|client" (admission). */
  get acceptedJobs(): string {
    return `${this.prefix}:accepted-jobs`;
  }
  /** What one client holds in Redis, finished jobs included: job id → "bytes|admitted at ms" (admission). */
  readonly heldJobs = (client: string) => `${this.prefix}:held-jobs:${client}`;

  /** One Idempotency-Key of one owner; hashed, because the key is the client's string, of any characters. */
  readonly idempotency = (owner: string, key: string) =>
    `${this.prefix}:idempotency:${owner}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

  /** One hour of live traffic binned for drift (feature:bin → count, and `count`); `hour` is its start, ISO. */
  readonly driftHour = (hour: string) => `${this.prefix}:drift:${hour}`;

  /** The stream of history events on their way to the database. */
  get history(): string {
    return `${this.prefix}:history`;
  }
  /** History events the database refused, with why (`npm run history:dead` lists, replays or drops them). */
  get historyDead(): string {
    return `${this.history}:dead`;
  }
  /** A fixed-window counter (rate limits, failed keys). */
  readonly limit = (name: string) => `${this.prefix}:limit:${name}`;
  /**
   * BullMQ's id counter of a queue: it grows by one with each job added without an id of its own (each single
   * prediction call): the stream connector reads it to know whether interactive traffic is there.
   */
  readonly queueIdCounter = (queue: string) => `${this.prefix}:${queue}:id`;
  /** The model lifecycle's state (live, previous, shadow, shadowPercent, shadowSince): models/lifecycle-state.ts. */
  get modelLifecycle(): string {
    return `${this.prefix}:models:lifecycle`;
  }
  /** Held while one model operation (shadow, promote, roll back) runs: one at a time, across API processes. */
  get modelOperation(): string {
    return `${this.prefix}:models:operation`;
  }
  /** Copies of live reviews for the shadow version (a bounded list: the oldest are dropped when it lags). */
  get shadowBacklog(): string {
    return `${this.prefix}:shadow:backlog`;
  }
  /** One shadow run's counts: compared, agreed, and each side's confidence histogram (live:3, shadow:9…). */
  readonly shadowStats = (version: string, since: string) => `${this.prefix}:shadow:${version}:${since}:stats`;
  /** One shadow run's label per prediction id: what corrections are compared with. */
  readonly shadowLabels = (version: string, since: string) => `${this.prefix}:shadow:${version}:${since}:labels`;

  /** The workers' report on the model server, for API-only processes. */
  get modelStatus(): string {
    return `${this.prefix}:model:status`;
  }
}

/** The fields of a job's record that Lua scripts read or write. */
export const JOB_FIELDS = { state: 'state', startedAt: 'startedAt', finishedAt: 'finishedAt', expiresAt: 'expiresAt', webhook: 'webhook' } as const;
export const JOB_TOMBSTONE_SUFFIX = ':deleted';
