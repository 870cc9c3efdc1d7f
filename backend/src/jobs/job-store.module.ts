import { Module } from '@nestjs/common';

import { JobStore } from './job.store';

@Module({
  providers: [JobStore],
  exports: [JobStore],
})
export class JobStoreModule {}
