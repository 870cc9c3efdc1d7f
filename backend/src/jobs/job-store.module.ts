import { Module } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { JobStore } from './job.store';

@Module({
  imports: [HistoryModule],
  providers: [JobStore],
  exports: [JobStore],
})
export class JobStoreModule {}
