import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';

import { AppConfig, toBytes } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryModule } from '../history/history.module';
import { ModelStateModule } from '../model-state/model-state.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { QueueModule } from '../queue/queue.module';
import { JobAdmission } from './admission';
import { IdempotencyKeys } from './idempotency';
import { JobChanges } from './job-changes';
import { JobControl } from './job-control';
import { JobIntake } from './job-intake';
import { JobReader } from './job-reader';
import { JobStoreModule } from './job-store.module';
import { JobsController } from './jobs.controller';

/** The jobs' API side: intake (job-intake.ts), reads (job-reader.ts), cancel and delete (job-control.ts). */
@Module({
  imports: [
    QueueModule,
    JobStoreModule,
    HistoryModule,
    ModelServerModule,
    ModelStateModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: toBytes(config.JOB_BODY_LIMIT), files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [JobsController],
  providers: [JobIntake, JobReader, JobControl, JobAdmission, IdempotencyKeys, JobChanges],
})
export class JobsModule {}
