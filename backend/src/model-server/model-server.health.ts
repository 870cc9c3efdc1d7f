import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelView } from './model-view';

/**
 * The model is registered with a worker that answers (a describe request) and classifies a probe review; not
 * merely that TorchServe's JVM answers /ping. An API-only process reads what the workers last reported.
 */
@Injectable()
export class ModelServerHealthIndicator {
  constructor(
    private readonly model: ModelView,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(key = 'modelServer') {
    const session = this.health.check(key);
    const { ready, detail } = await this.model.readiness();
    const info = { model: this.config.MODEL_NAME, url: this.config.MODEL_SERVER_URL.join(','), torchserve: detail };
    return ready ? session.up(info) : session.down({ ...info, message: `Model server not ready: ${detail}` });
  }
}
