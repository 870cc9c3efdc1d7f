import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ServingProfile } from '@allocine/contracts';

import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelView } from './model-view';

/**
 * Until the model server has described its model, the embedded model's profile, from the contract (the file
 * Python reads too): the cheapest model's sizes are the safe ones to start with only because nothing reaches a
 * model server that is not up.
 */
export const FALLBACK_PROFILE: ServingProfile = MODEL_SERVER_CONTRACT.embeddedProfile;
const RETRY_UNTIL_KNOWN_MS = 2_000;

/**
 * The served model's serving profile, asked of the model server (a describe request) at boot and then every
 * PROFILE_REFRESH_MS, so deploying CamemBERT needs no hand-tuned variables. Explicit environment
 * variables (CHUNK_SIZE, CHUNK_CONCURRENCY, MODEL_SERVER_TIMEOUT_MS) still win.
 */
@Injectable()
export class ServingProfileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ServingProfileService.name);
  private current: ServingProfile = FALLBACK_PROFILE;
  private known = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly listeners: ((profile: ServingProfile) => void)[] = [];
  private markKnown!: () => void;
  /** Resolves once the model server has described its model (never while it is unreachable). */
  readonly known$ = new Promise<void>((resolve) => (this.markKnown = resolve));

  constructor(
    private readonly model: ModelView,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Called with the profile each time it changes (workers resize their concurrency). */
  onChange(listener: (profile: ServingProfile) => void): void {
    this.listeners.push(listener);
  }

  /** The served model's profile as described (the fallback until known). */
  profile(): ServingProfile {
    return this.current;
  }

  chunkSize(): number {
    return this.config.CHUNK_SIZE ?? this.current.chunkSize;
  }

  chunkConcurrency(): number {
    return this.config.CHUNK_CONCURRENCY ?? this.current.chunkConcurrency;
  }

  /** Longer than TorchServe's responseTimeout: the backend never gives up on work still being computed. */
  modelCallTimeoutMs(): number {
    return this.config.MODEL_SERVER_TIMEOUT_MS ?? this.current.timeouts.modelCallMs;
  }

  async refresh(): Promise<void> {
    try {
      const { profile, model, version } = await this.model.describe();
      const changed = JSON.stringify(profile) !== JSON.stringify(this.current);
      this.current = profile;
      if (!this.known || changed) {
        this.logger.log(`serving ${model} ${version}: chunks of ${this.chunkSize()}, ${this.chunkConcurrency()} in flight, ` +
          `model calls time out after ${this.modelCallTimeoutMs()} ms (${profile.acceleration})`);
        this.listeners.forEach((listener) => listener(profile));
      }
      this.known = true;
      this.markKnown();
    } catch (error) {
      if (this.known) this.logger.warn(`could not refresh the serving profile: ${(error as Error).message}`);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.refresh(), this.known ? this.config.PROFILE_REFRESH_MS : RETRY_UNTIL_KNOWN_MS);
      this.timer.unref();
    }
  }
}
