import { Module } from '@nestjs/common';

import { ShadowModule } from '../shadow/shadow.module';
import { DriftModule } from '../drift/drift.module';
import { HistoryModule } from '../history/history.module';
import { QueueModule } from '../queue/queue.module';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';

/** The predictions' API side: POST /predictions (the history's GET /predictions is HistoryApiModule's). */
@Module({
  imports: [QueueModule, HistoryModule, DriftModule, ShadowModule],
  controllers: [PredictionsController],
  providers: [PredictionsService],
  exports: [PredictionsService],
})
export class PredictionsModule {}
