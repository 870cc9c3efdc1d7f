import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelStatusBoard, ModelView } from './model-view';

const EVERY_MS = 10_000;

/**
 * Worker processes (APP_ROLE=worker) report what the model server says of itself, for the API processes to read
 * (ModelStatusBoard). APP_ROLE=all asks the model server itself and reports nothing: split deployments run
 * `api` and `worker` processes.
 */
@Injectable()
export class ModelStatusPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelStatusPublisher.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly view: ModelView,
    private readonly board: ModelStatusBoard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.APP_ROLE === 'worker') void this.publish();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async publish(): Promise<void> {
    try {
      const { ready, detail } = await this.view.readiness();
      const description = ready ? await this.view.describe().catch(() => null) : null;
      await this.board.publish({ ready: ready && description !== null, detail, description, at: new Date().toISOString() });
    } catch (error) {
      this.logger.warn(`could not report the model server's status: ${(error as Error).message}`);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.publish(), EVERY_MS);
      this.timer.unref();
    }
  }
}
