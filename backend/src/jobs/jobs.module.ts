import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';

import { AppConfig, toBytes } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryModule } from '../history/history.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { QueueModule } from '../queue/queue.module';
import { JobAdmission } from './admission';
import { ArchivedJobs } from './archived-jobs';
import { JobChanges } from './job-changes';
import { IdempotencyKeys } from './idempotency';
import { JobStoreModule } from './job-store.module';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

@Module({
  imports: [
    QueueModule,
    JobStoreModule,
    HistoryModule,
    ModelServerModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: toBytes(config.JOB_BODY_LIMIT), files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [JobsController],
  providers: [JobsService, JobAdmission, ArchivedJobs, IdempotencyKeys, JobChanges],
})
export class JobsModule {}
