import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { SpanKind, inSpan, traceCarrier } from '../tracing/tracing';
import { checkedDescription, checkedResults } from './model-server.answers';
import { ModelServerError, VersionGone } from './model-server.errors';
import { Lane, ModelDescription, ModelResult, isItemError } from './model-server.types';

/**
 * The contract's headers: how many requests TorchServe's dynamic batching grouped (answer); the epoch ms after
 * which the caller has gone, so the handler answers without computing; the API request's id, for its log.
 */
const { batchRequests: BATCH_HEADER, deadline: DEADLINE_HEADER, requestId: REQUEST_ID_HEADER } = MODEL_SERVER_CONTRACT.headers;
/** What readiness asks the model to classify. */
const PROBE = 'Un film magnifique.';

export interface PredictOptions {
  lane: Lane;
  /** HTTP timeout of this call. */
  timeoutMs: number;
  /** The waiting caller's deadline (epoch ms), passed down so nobody computes for a caller who has gone. */
  deadline?: number;
  /** Each review is sent as `{"text", "explain": true}`: its result carries `explanation`. */
  explain?: boolean;
  /** Sent as X-Request-Id: the model server's log names the request its batch served. */
  requestId?: string;
  /**
   * A registered model version (a job's, pinned when it started; the shadow's): `/predictions/{name}/{version}`.
   * Unset: whichever version is live. A version TorchServe no longer has is answered by the live one (each
   * result names the version that made it).
   */
  version?: string;
}

/** Refused, reset or unreachable: nothing was computed there, another server can take the call. */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** The only module that knows the model server's URLs and payloads (docs/model-server-contract.md). */
@Injectable()
export class ModelServerClient {
  private nextServer = 0;

  constructor(
    private readonly http: HttpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Classify reviews in one call; exactly one result (prediction or per-item error) per text, in order. */
  predict(texts: string[], options: PredictOptions): Promise<ModelResult[]> {
    const attributes = { lane: options.lane, reviews: texts.length };
    return inSpan('model-server predict', SpanKind.CLIENT, attributes, () =>
      this.failover((base) => this.call(base, texts, options)).catch((error: unknown) => {
        if (!(error instanceof VersionGone)) throw error;
        return this.failover((base) => this.call(base, texts, { ...options, version: undefined }));
      }),
    );
  }

  /**
   * Each call starts at the next model server (round-robin); a server that refuses or resets the connection
   * (stopped, restarting, killed) hands the call to the next one at once. A timeout or an HTTP error does not:
   * the server may be computing, and BullMQ's retry with backoff decides.
   */
  private async failover<T>(attempt: (base: string) => Promise<T>): Promise<T> {
    const bases = this.config.MODEL_SERVER_URL;
    const first = this.nextServer++ % bases.length;
    for (let i = 0; ; i++) {
      try {
        return await attempt(bases[(first + i) % bases.length]);
      } catch (error) {
        if (i === bases.length - 1 || !(error instanceof ModelServerError && error.refused)) throw error;
      }
    }
  }

  private async call(base: string, texts: string[], options: PredictOptions): Promise<ModelResult[]> {
    const stopTimer = this.metrics.modelCallDuration.startTimer();
    const headers = {
      ...(options.deadline ? { [DEADLINE_HEADER]: String(Math.floor(options.deadline)) } : {}),
      ...(options.requestId ? { [REQUEST_ID_HEADER]: options.requestId } : {}),
      // traceparent: the model server's work belongs to the caller's trace.
      ...traceCarrier(),
    };
    try {
      const response = await firstValueFrom(
        this.http.post<unknown>(this.url(base, options.lane, options.version), options.explain ? texts.map((text) => ({ text, explain: true })) : texts, {
          timeout: options.timeoutMs,
          headers,
        }),
      );
      stopTimer({ outcome: 'ok' });
      const results = checkedResults(response.data, texts.length);
      this.metrics.modelCallReviews.observe(texts.length);
      // Node lower-cases response header names.
      const grouped = Number(response.headers[BATCH_HEADER.toLowerCase()]);
      if (Number.isFinite(grouped) && grouped > 0) this.metrics.modelBatchRequests.observe(grouped);
      return results;
    } catch (error) {
      if (error instanceof ModelServerError) throw error;
      stopTimer({ outcome: 'error' });
      if (options.version && (error as AxiosError).response?.status === 404) throw new VersionGone(options.version);
      throw toModelServerError(error);
    }
  }

  /** The loaded model's identity and serving profile, as its handler describes them. */
  async describe(timeoutMs = 5_000): Promise<ModelDescription> {
    try {
      const post = (base: string) =>
        firstValueFrom(this.http.post<unknown>(this.url(base, 'bulk'), { describe: true }, { timeout: timeoutMs })).catch((error: unknown) => {
          throw toModelServerError(error);
        });
      const response = await this.failover(post);
      return checkedDescription(response.data);
    } catch (error) {
      throw toModelServerError(error);
    }
  }

  private url(base: string, lane: Lane, version?: string): string {
    const name = this.config.MODEL_NAME + (lane === 'interactive' ? MODEL_SERVER_CONTRACT.interactiveSuffix : '');
    return `${base}/predictions/${name}${version ? `/${encodeURIComponent(version)}` : ''}`;
  }

  /** The model is registered and one of its workers answers (TorchServe's /ping says Healthy without any). */
  async isReady(): Promise<{ ready: boolean; detail: string }> {
    try {
      const described = await this.describe(2_000);
      return { ready: true, detail: `${described.model} ${described.version} loaded` };
    } catch (error) {
      return { ready: false, detail: toModelServerError(error).message };
    }
  }

  /** The interactive lane classifies a probe review: the model computes, not merely loads. */
  async probe(): Promise<{ ready: boolean; detail: string }> {
    try {
      const [result] = await this.predict([PROBE], { lane: 'interactive', timeoutMs: 5_000 });
      return result && !isItemError(result) ? { ready: true, detail: 'probe classified' } : { ready: false, detail: 'the probe review got no prediction' };
    } catch (error) {
      return { ready: false, detail: `probe failed: ${toModelServerError(error).message}` };
    }
  }
}

export function toModelServerError(error: unknown): ModelServerError {
  if (error instanceof ModelServerError) return error;
  const axiosError = error as AxiosError;
  const status = axiosError?.response?.status;
  if (status !== undefined) {
    const retryable = status >= 500 || status === 429 || status === 408;
    return new ModelServerError(`model server answered ${status}`, retryable, retryable ? 'model-unavailable' : 'model-rejected');
  }
  if (axiosError?.code === 'ECONNABORTED' || axiosError?.code === 'ETIMEDOUT') {
    return new ModelServerError('model server timed out', true, 'model-timeout');
  }
  const code = axiosError?.code ?? 'unknown error';
  return new ModelServerError(`model server unreachable (${code})`, true, 'model-unavailable', CONNECTION_FAILURES.has(code));
}
