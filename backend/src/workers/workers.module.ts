import { Module } from '@nestjs/common';

import { JobStoreModule } from '../jobs/job-store.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { QueueModule } from '../queue/queue.module';
import { PredictionProcessor } from './prediction.processor';

/** Queue consumers; only loaded in the `all` and `worker` roles. */
@Module({
  imports: [QueueModule, ModelServerModule, JobStoreModule],
  providers: [PredictionProcessor],
})
export class WorkersModule {}
