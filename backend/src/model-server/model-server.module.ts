import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { ModelServerClient } from './model-server.client';

@Module({
  imports: [HttpModule, MetricsModule],
  providers: [ModelServerClient],
  exports: [ModelServerClient],
})
export class ModelServerModule {}
