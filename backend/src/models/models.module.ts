import { Module, OnModuleInit } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { MetricsService } from '../metrics/metrics.service';
import { ModelStateModule } from '../model-state/model-state.module';
import { ModelLifecycleState } from '../model-state/lifecycle-state';
import { ModelServerModule } from '../model-server/model-server.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { ModelEventsRepository } from './model-events.repository';
import { ModelLifecycle } from './model-lifecycle.service';
import { ModelRegistry } from './model-registry';
import { ModelsController } from './models.controller';
import { ShadowReporter } from './shadow-report';

/** Model versions and their lifecycle (GET /api/v1/models, shadow, promote, roll back), and the shadow's gauge. */
@Module({
  imports: [HistoryModule, FeedbackModule, ModelServerModule, ModelStateModule],
  controllers: [ModelsController],
  providers: [ModelRegistry, ModelEventsRepository, ModelLifecycle, ShadowReporter],
})
export class ModelsModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly state: ModelLifecycleState,
    private readonly reporter: ShadowReporter,
  ) {}

  onModuleInit(): void {
    this.metrics.setShadowSource(async () => {
      const report = await this.reporter.report(await this.state.recent());
      if (!report) return {};
      return {
        compared: report.compared,
        corrected: report.corrected.n,
        ...(report.agreement === null ? {} : { agreement: report.agreement }),
        ...(report.corrected.liveAccuracy === null ? {} : { live_accuracy: report.corrected.liveAccuracy }),
        ...(report.corrected.shadowAccuracy === null ? {} : { shadow_accuracy: report.corrected.shadowAccuracy }),
      };
    });
  }
}
