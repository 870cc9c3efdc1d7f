import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { JobsWorkerModule } from '../jobs/jobs-worker.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { PREDICTION_QUEUE } from '../queue/queue.constants';
import { PredictionProcessor } from './prediction.processor';

/** The predictions' worker side: the interactive lane's consumer (PredictionProcessor). */
@Module({
  imports: [BullModule.registerQueue({ name: PREDICTION_QUEUE }), ModelServerModule, JobsWorkerModule],
  providers: [PredictionProcessor],
})
export class PredictionsWorkerModule {}
