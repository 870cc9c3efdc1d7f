import { Injectable } from '@nestjs/common';

import { RedisService } from '../redis/redis.service';
import { ModelServerClient } from './model-server.client';
import { ModelServerError } from './model-server.errors';
import { ModelDescription } from './model-server.types';

/** A successful probe prediction is reused this long: readiness is polled often, and a probe runs the model. */
const PROBE_CACHE_MS = 30_000;
/** How long a worker's report stays good: three publications (ModelStatusPublisher, every 10 s). */
export const STATUS_TTL_SECONDS = 30;

/** Whether the model answers (it describes itself and classified a probe review), and why not. */
export interface ModelReadiness {
  ready: boolean;
  detail: string;
}

/** What the model server says of itself, as seen from this process. */
export abstract class ModelView {
  abstract describe(): Promise<ModelDescription>;
  abstract readiness(): Promise<ModelReadiness>;
}

/** Asks the model server itself: workers (and APP_ROLE=all, which is one). */
@Injectable()
export class DirectModelView extends ModelView {
  private lastProbe = 0;

  constructor(private readonly client: ModelServerClient) {
    super();
  }

  describe(): Promise<ModelDescription> {
    return this.client.describe();
  }

  /** Described on every call (cheap); a probe review classified at most every 30 s. */
  async readiness(): Promise<ModelReadiness> {
    let { ready, detail } = await this.client.isReady();
    if (ready && Date.now() - this.lastProbe > PROBE_CACHE_MS) {
      ({ ready, detail } = await this.client.probe());
      this.lastProbe = ready ? Date.now() : 0;
    }
    return { ready, detail };
  }
}

interface PublishedStatus extends ModelReadiness {
  description: ModelDescription | null;
  at: string;
}

/**
 * The workers' report, through Redis: an API process (APP_ROLE=api) never calls the model server, so only the
 * workers need to reach its inference port (the Kubernetes NetworkPolicy admits nothing else).
 */
@Injectable()
export class ModelStatusBoard {
  private readonly key: string;

  constructor(private readonly redis: RedisService) {
    this.key = redis.keys.modelStatus;
  }

  async publish(status: PublishedStatus): Promise<void> {
    await this.redis.client.set(this.key, JSON.stringify(status), 'EX', STATUS_TTL_SECONDS);
  }

  async read(): Promise<PublishedStatus | null> {
    const stored = await this.redis.client.get(this.key);
    return stored ? (JSON.parse(stored) as PublishedStatus) : null;
  }
}

/** Reads the workers' report (APP_ROLE=api). */
@Injectable()
export class PublishedModelView extends ModelView {
  constructor(private readonly board: ModelStatusBoard) {
    super();
  }

  async describe(): Promise<ModelDescription> {
    const status = await this.read();
    if (!status.description) throw new ModelServerError(`model server not ready: ${status.detail}`, true, 'model-unavailable');
    return status.description;
  }

  async readiness(): Promise<ModelReadiness> {
    try {
      const { ready, detail } = await this.read();
      return { ready, detail };
    } catch (error) {
      return { ready: false, detail: (error as Error).message };
    }
  }

  private async read(): Promise<PublishedStatus> {
    const status = await this.board.read().catch(() => null);
    if (!status) throw new ModelServerError(`no worker has reported on the model server in the last ${STATUS_TTL_SECONDS} s`, true, 'model-unavailable');
    return status;
  }
}
