import { Module } from '@nestjs/common';

import { HistoryController } from '../history/history.controller';
import { HistoryModule } from '../history/history.module';
import { QueueModule } from '../queue/queue.module';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';

@Module({
  imports: [QueueModule, HistoryModule],
  // GET /predictions (history) and /stats sit beside POST /predictions.
  controllers: [PredictionsController, HistoryController],
  providers: [PredictionsService],
})
export class PredictionsModule {}
