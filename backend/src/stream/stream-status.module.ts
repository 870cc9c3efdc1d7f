import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { StreamMonitor } from './stream-monitor';
import { StreamHealthIndicator } from './stream.health';

/** The stream seen from the broker (lag, rate, connectors): for readiness, metrics and the Santé page. Inert without KAFKA_BROKERS. */
@Module({ imports: [TerminusModule], providers: [StreamMonitor, StreamHealthIndicator], exports: [StreamHealthIndicator] })
export class StreamStatusModule {}
