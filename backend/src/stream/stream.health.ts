import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StreamMonitor } from './stream-monitor';

/**
 * The Kafka stream, when KAFKA_BROKERS is set: the broker, the lag and the rate (StreamMonitor's last look).
 * An unreachable broker is `degraded`, never down, where the process serves the API (predictions do not need
 * Kafka; the connectors wait and resume), and down in a connector-only process (it can do nothing without it).
 */
@Injectable()
export class StreamHealthIndicator {
  constructor(
    private readonly monitor: StreamMonitor,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.monitor.enabled;
  }

  check(key = 'stream') {
    const session = this.health.check(key);
    const snapshot = this.monitor.snapshot();
    const brokers = this.config.KAFKA_BROKERS.join(',');
    if (!snapshot) return session.up({ brokers, message: 'first look at the broker under way' });
    const { reachable, lag, ratePerSecond, connectors, topic, message } = snapshot;
    if (reachable) return session.up({ brokers, topic, lag, ratePerSecond, connectors });
    if (this.config.APP_ROLE === 'stream') return session.down({ brokers, message });
    return session.up({ brokers, degraded: true, message: `${message}; predictions go on, the stream waits` });
  }
}
