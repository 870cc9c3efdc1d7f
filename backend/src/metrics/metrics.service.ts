import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Values per label, read from Redis when Prometheus scrapes. */
type QueueSource = () => Promise<Record<string, number>>;

/** A gauge whose values are read at each scrape; while Redis is down it keeps the last ones (readiness says why). */
function readAtScrape(registry: Registry, name: string, help: string, label: string, source: QueueSource): Gauge<string> {
  const gauge: Gauge<string> = new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect: async () => {
      try {
        const values = Object.entries(await source());
        // What the source no longer reports (a shadow stopped, a drift feature gone) is gone from the scrape too.
        gauge.reset();
        for (const [value, count] of values) gauge.set({ [label]: value }, count);
      } catch {
        // Redis down: keep the last values.
      }
    },
  });
  return gauge;
}

/** Every Prometheus metric the backend exposes, on one registry. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'allocine_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private driftSource: QueueSource = async () => ({});

  readonly driftPsi = readAtScrape(
    this.registry,
    'allocine_drift_psi',
    'Population stability index of live traffic against the drift baseline, per feature, for the latest hour with enough reviews',
    'feature',
    () => this.driftSource(),
  );

  private shadowSource: QueueSource = async () => ({});

  readonly shadow = readAtScrape(
    this.registry,
    'allocine_shadow',
    'The version in shadow against the live one: compared (reviews both classified), agreement (share of the same label), live_accuracy and shadow_accuracy (on reviews corrected since the shadow began), corrected (how many); absent without a shadow',
    'measure',
    () => this.shadowSource(),
  );

  private queueCounts: QueueSource = async () => ({});
  private oldestWaiting: QueueSource = async () => ({});

  readonly queueDepth = readAtScrape(this.registry, 'allocine_queue_jobs', 'Jobs in the prediction queue by state (waiting, active, delayed, failed, ...)', 'state', () =>
    this.queueCounts(),
  );

  readonly queueAge = readAtScrape(
    this.registry,
    'allocine_queue_oldest_waiting_seconds',
    'Age of the oldest job no worker has taken yet, by queue (0 when none waits): how far behind the workers are',
    'queue',
    () => this.oldestWaiting(),
  );

  readonly modelCallReviews = new Histogram({
    name: 'allocine_model_call_reviews',
    help: 'Reviews sent to the model server in one call',
    buckets: [1, 2, 4, 8, 16, 32, 64, 100, 200],
    registers: [this.registry],
  });

  readonly modelBatchRequests = new Histogram({
    name: 'allocine_model_batch_size',
    help: 'Requests grouped into one model batch by TorchServe dynamic batching (from the handler)',
    buckets: [1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });

  readonly modelCallDuration = new Histogram({
    name: 'allocine_model_server_request_duration_seconds',
    help: 'Latency of calls to the model server',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly predictions = new Counter({
    name: 'allocine_predictions_total',
    help: 'Reviews classified, by label (errors counted as "error")',
    labelNames: ['label'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'allocine_retries_total',
    help: 'Work started again: a retried attempt (after a model-server error) or a stalled job requeued (its worker died)',
    labelNames: ['queue', 'reason'] as const,
    registers: [this.registry],
  });

  readonly expired = new Counter({
    name: 'allocine_predictions_expired_total',
    help: 'Single predictions dropped unprocessed because their caller had stopped waiting (deadline passed)',
    registers: [this.registry],
  });

  readonly historyWritten = new Counter({
    name: 'allocine_history_rows_written_total',
    help: 'History events (classified reviews, job states) written to the history database',
    registers: [this.registry],
  });

  readonly historyRefused = new Counter({
    name: 'allocine_history_events_set_aside_total',
    help: 'History events the database refused or that could not be read, kept in the <prefix>:history:dead stream',
    registers: [this.registry],
  });

  readonly historyBacklog = new Gauge({
    name: 'allocine_history_backlog',
    help: 'History events waiting in Redis for the database (grows while the database is away)',
    registers: [this.registry],
  });

  readonly streamMessages = new Counter({
    name: 'allocine_stream_messages_total',
    help: 'Kafka messages the stream connector handled: classified (sentiment produced) or dead-lettered',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly streamPaused = new Counter({
    name: 'allocine_stream_pauses_total',
    help: 'Times the stream connector paused its partitions because the model server failed (it resumes on its own)',
    registers: [this.registry],
  });

  readonly streamLag = new Gauge({
    name: 'allocine_stream_consumer_lag',
    help: 'Reviews on the input topic not yet committed by the connectors’ group, per partition (what the API last saw)',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly streamBrokerUp = new Gauge({
    name: 'allocine_stream_broker_up',
    help: '1 when the Kafka broker answered the API’s last look at the stream, else 0',
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'allocine_job_duration_seconds',
    help: 'Batch job duration from creation to completion, by final state',
    labelNames: ['state'] as const,
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'allocine_' });
    // Zero is an answer ("no retry"): every series exists from the start, so a scrape shows it.
    for (const queue of ['predictions', 'batch']) for (const reason of ['retry', 'stalled']) this.retries.inc({ queue, reason }, 0);
  }

  /** The drift module tells its gauge where to read the latest indices from when Prometheus scrapes. */
  setDriftSource(source: QueueSource): void {
    this.driftSource = source;
  }

  /** The models module tells the shadow gauge where to read its report from when Prometheus scrapes. */
  setShadowSource(source: QueueSource): void {
    this.shadowSource = source;
  }

  /** The queue module tells the gauges where to read depths and ages from when Prometheus scrapes. */
  setQueueSources(counts: QueueSource, oldestWaiting: QueueSource): void {
    this.queueCounts = counts;
    this.oldestWaiting = oldestWaiting;
  }
}
