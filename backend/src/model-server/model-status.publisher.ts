import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { ModelStatusBoard, ModelView } from './model-view';

const EVERY_MS = 10_000;

/**
 * Worker processes report what the model server says of itself, for the API processes to read
 * (ModelStatusBoard). Loaded only where workers run beside no API (app.module.ts): a process that does both asks
 * the model server itself and reports nothing.
 */
@Injectable()
export class ModelStatusPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelStatusPublisher.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly view: ModelView,
    private readonly board: ModelStatusBoard,
  ) {}

  onApplicationBootstrap(): void {
    void this.publish();
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
