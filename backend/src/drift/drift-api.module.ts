import { Module, OnModuleInit } from '@nestjs/common';

import { MetricsService } from '../metrics/metrics.service';
import { DriftController } from './drift.controller';
import { DriftModule } from './drift.module';
import { DriftReport } from './drift.report';

/** GET /api/v1/drift, and the drift gauges Prometheus scrapes from the API. */
@Module({ imports: [DriftModule], controllers: [DriftController], providers: [DriftReport] })
export class DriftApiModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly drift: DriftReport,
  ) {}

  onModuleInit(): void {
    this.metrics.setDriftSource(async () => {
      const latest = (await this.drift.report(2)).latest;
      return latest?.psi ? { ...latest.psi } : {};
    });
  }
}
