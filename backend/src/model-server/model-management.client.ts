import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { ServingProfile } from '@allocine/contracts';
import { AxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { toModelServerError } from './model-server.client';

/** One registered version of a TorchServe model, as its management API describes it. */
export interface ServedVersion {
  version: string;
  /** Every worker READY: the version can take traffic. */
  ready: boolean;
}

/** Why TorchServe refused a registration: its archive is not in the model store (or is not a model). */
export class ArchiveRefused extends Error {}

/** Registering a version waits for its workers to load (the embedded model: seconds; CamemBERT: a minute). */
const REGISTER_TIMEOUT_MS = 180_000;
const CALL_TIMEOUT_MS = 10_000;

/**
 * TorchServe's management API (MODEL_SERVER_MANAGEMENT_URL, localhost only): the one place that registers,
 * switches and unregisters model versions. Only the model lifecycle (models/) calls it, behind admin routes.
 */
@Injectable()
export class ModelManagementClient {
  constructor(
    private readonly http: HttpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private url(path: string): string {
    return `${this.config.MODEL_SERVER_MANAGEMENT_URL}${path}`;
  }

  /** Every version registered under `name` (none when the name is not registered). */
  async versions(name: string): Promise<ServedVersion[]> {
    try {
      const response = await firstValueFrom(this.http.get<unknown>(this.url(`/models/${encodeURIComponent(name)}/all`), { timeout: CALL_TIMEOUT_MS }));
      const described = Array.isArray(response.data) ? (response.data as { modelVersion?: unknown; workers?: { status?: unknown }[] }[]) : [];
      return described.map((model) => ({
        version: String(model.modelVersion),
        ready: Array.isArray(model.workers) && model.workers.length > 0 && model.workers.every((worker) => worker.status === 'READY'),
      }));
    } catch (error) {
      if ((error as AxiosError).response?.status === 404) return [];
      throw toModelServerError(error);
    }
  }

  /** The version `/predictions/{name}` reaches. */
  async defaultVersion(name: string): Promise<string | null> {
    try {
      const response = await firstValueFrom(this.http.get<unknown>(this.url(`/models/${encodeURIComponent(name)}`), { timeout: CALL_TIMEOUT_MS }));
      const [described] = Array.isArray(response.data) ? (response.data as { modelVersion?: unknown }[]) : [];
      return described?.modelVersion === undefined ? null : String(described.modelVersion);
    } catch (error) {
      if ((error as AxiosError).response?.status === 404) return null;
      throw toModelServerError(error);
    }
  }

  /** Load `archive` (a file of the model store) as a version of `name`, sized for its lane; returns once its workers are up. */
  async register(archive: string, name: string, lane: ServingProfile['bulk'], responseTimeoutS: number): Promise<void> {
    const query = new URLSearchParams({
      url: archive,
      model_name: name,
      initial_workers: String(lane.workers),
      batch_size: String(lane.batchSize),
      max_batch_delay: String(lane.maxBatchDelayMs),
      response_timeout: String(responseTimeoutS),
      synchronous: 'true',
    });
    try {
      await firstValueFrom(this.http.post(this.url(`/models?${query}`), null, { timeout: REGISTER_TIMEOUT_MS }));
    } catch (error) {
      const status = (error as AxiosError).response?.status;
      if (status === 400 || status === 404) {
        throw new ArchiveRefused(`TorchServe cannot load ${archive} (${status}): is it in the model store? (npm run model:train -- --with-feedback builds it)`);
      }
      throw toModelServerError(error);
    }
  }

  /** Unload a version (its workers stop); TorchServe refuses to unload the default one. */
  async unregister(name: string, version: string): Promise<void> {
    try {
      await firstValueFrom(this.http.delete(this.url(`/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}`), { timeout: REGISTER_TIMEOUT_MS }));
    } catch (error) {
      if ((error as AxiosError).response?.status === 404) return;
      throw toModelServerError(error);
    }
  }

  /** Point `/predictions/{name}` at `version`: one atomic switch in TorchServe; requests in flight finish where they are. */
  async setDefault(name: string, version: string): Promise<void> {
    try {
      await firstValueFrom(this.http.put(this.url(`/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/set-default`), null, { timeout: CALL_TIMEOUT_MS }));
    } catch (error) {
      throw toModelServerError(error);
    }
  }
}
