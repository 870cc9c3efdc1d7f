import { Module } from '@nestjs/common';

import { PredictionQueue } from './prediction-queue';
import { PredictionProducer } from './prediction.producer';
import { QueueStats } from './queue-stats.service';

@Module({
  providers: [PredictionQueue, PredictionProducer, QueueStats],
  exports: [PredictionProducer, QueueStats],
})
export class QueueModule {}
