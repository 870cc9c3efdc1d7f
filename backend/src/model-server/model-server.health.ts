import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelServerClient } from './model-server.client';

/** TorchServe reports its model's workers as up (not merely that the JVM answers). */
@Injectable()
export class ModelServerHealthIndicator {
  constructor(
    private readonly client: ModelServerClient,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(key = 'modelServer') {
    const session = this.health.check(key);
    const { ready, detail } = await this.client.isReady();
    const info = { model: this.config.MODEL_NAME, url: this.config.MODEL_SERVER_URL, torchserve: detail };
    return ready ? session.up(info) : session.down({ ...info, message: `Model server not ready: ${detail}` });
  }
}
