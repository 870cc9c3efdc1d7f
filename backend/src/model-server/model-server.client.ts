import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REQUEST_ID_HEADER } from '../logging/request-id';
import { MetricsService } from '../metrics/metrics.service';
import { SpanKind, inSpan, traceCarrier } from '../tracing/tracing';
import { ModelServerError } from './model-server.errors';
import { Lane, ModelDescription, ModelResult, isItemError } from './model-server.types';

/** TorchServe tells us (through the handler) how many requests its dynamic batching grouped. */
const BATCH_HEADER = 'x-batch-requests';
/** Epoch ms after which the caller has gone: the handler answers without computing. */
const DEADLINE_HEADER = 'X-Deadline-Ms';
const INTERACTIVE_SUFFIX = '-interactive';
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
}

/** The only module that knows TorchServe's URLs and payloads. */
@Injectable()
export class ModelServerClient {
  constructor(
    private readonly http: HttpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Classify reviews in one call; exactly one result (prediction or per-item error) per text, in order. */
  predict(texts: string[], options: PredictOptions): Promise<ModelResult[]> {
    const attributes = { 'server.address': this.config.MODEL_SERVER_URL, lane: options.lane, reviews: texts.length };
    return inSpan('model-server predict', SpanKind.CLIENT, attributes, () => this.call(texts, options));
  }

  private async call(texts: string[], options: PredictOptions): Promise<ModelResult[]> {
    const stopTimer = this.metrics.modelCallDuration.startTimer();
    const headers = {
      ...(options.deadline ? { [DEADLINE_HEADER]: String(Math.floor(options.deadline)) } : {}),
      ...(options.requestId ? { [REQUEST_ID_HEADER]: options.requestId } : {}),
      // traceparent: the model server's work belongs to the caller's trace.
      ...traceCarrier(),
    };
    try {
      const response = await firstValueFrom(
        this.http.post<unknown>(this.url(options.lane), options.explain ? texts.map((text) => ({ text, explain: true })) : texts, {
          timeout: options.timeoutMs,
          headers,
        }),
      );
      stopTimer({ outcome: 'ok' });
      const results = response.data;
      if (!Array.isArray(results) || results.length !== texts.length) {
        throw new ModelServerError(`model server returned ${describe(results)} for ${texts.length} reviews`, true, 'bad_response');
      }
      this.metrics.modelCallReviews.observe(texts.length);
      const grouped = Number(response.headers[BATCH_HEADER]);
      if (Number.isFinite(grouped) && grouped > 0) this.metrics.modelBatchRequests.observe(grouped);
      return results as ModelResult[];
    } catch (error) {
      if (error instanceof ModelServerError) throw error;
      stopTimer({ outcome: 'error' });
      throw toModelServerError(error);
    }
  }

  /** The loaded model's identity and serving profile, as its handler describes them. */
  async describe(timeoutMs = 5_000): Promise<ModelDescription> {
    try {
      const response = await firstValueFrom(this.http.post<ModelDescription>(this.url('bulk'), { describe: true }, { timeout: timeoutMs }));
      if (!response.data?.profile?.bulk) throw new ModelServerError('model server gave no serving profile', true, 'bad_response');
      return response.data;
    } catch (error) {
      throw toModelServerError(error);
    }
  }

  private url(lane: Lane): string {
    const name = this.config.MODEL_NAME + (lane === 'interactive' ? INTERACTIVE_SUFFIX : '');
    return `${this.config.MODEL_SERVER_URL}/predictions/${name}`;
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

function describe(value: unknown): string {
  return Array.isArray(value) ? `${value.length} results` : typeof value;
}

export function toModelServerError(error: unknown): ModelServerError {
  if (error instanceof ModelServerError) return error;
  const axiosError = error as AxiosError;
  const status = axiosError?.response?.status;
  if (status !== undefined) {
    const retryable = status >= 500 || status === 429 || status === 408;
    return new ModelServerError(`model server answered ${status}`, retryable, retryable ? 'unavailable' : 'rejected');
  }
  if (axiosError?.code === 'ECONNABORTED' || axiosError?.code === 'ETIMEDOUT') {
    return new ModelServerError('model server timed out', true, 'timeout');
  }
  return new ModelServerError(`model server unreachable (${axiosError?.code ?? 'unknown error'})`, true, 'unavailable');
}
