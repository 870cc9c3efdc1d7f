import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { DriftModule } from '../drift/drift.module';
import { HistoryModule } from '../history/history.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { QueueModule } from '../queue/queue.module';
import { ShadowModule } from '../shadow/shadow.module';
import { BATCH_QUEUE } from '../queue/queue.constants';
import { BatchProcessor } from './batch.processor';
import { JobStoreModule } from './job-store.module';

/** The jobs' worker side: chunks of a job classified, and the job finalised (BatchProcessor). */
@Module({
  imports: [BullModule.registerQueue({ name: BATCH_QUEUE }), QueueModule, ModelServerModule, JobStoreModule, HistoryModule, DriftModule, ShadowModule],
  providers: [BatchProcessor],
  // Chunks accepted before jobs had a lane of their own still arrive on the interactive lane (PredictionProcessor).
  exports: [BatchProcessor],
})
export class JobsWorkerModule {}
