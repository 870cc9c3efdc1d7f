import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelServerClient } from './model-server.client';

/** A successful probe prediction is reused this long: readiness is polled often, and a probe runs the model. */
const PROBE_CACHE_MS = 30_000;

/**
 * The model is registered with a worker that answers (checked on every call, cheaply: a describe request) and
 * classifies a probe review (cached); not merely that TorchServe's JVM answers /ping.
 */
@Injectable()
export class ModelServerHealthIndicator {
  private lastProbe = 0;

  constructor(
    private readonly client: ModelServerClient,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(key = 'modelServer') {
    const session = this.health.check(key);
    let { ready, detail } = await this.client.isReady();
    if (ready && Date.now() - this.lastProbe > PROBE_CACHE_MS) {
      ({ ready, detail } = await this.client.probe());
      this.lastProbe = ready ? Date.now() : 0;
    }
    const info = { model: this.config.MODEL_NAME, url: this.config.MODEL_SERVER_URL.join(','), torchserve: detail };
    return ready ? session.up(info) : session.down({ ...info, message: `Model server not ready: ${detail}` });
  }
}
