import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { ModelServerClient } from './model-server.client';
import { ServingProfileService } from './serving-profile.service';

@Module({
  imports: [HttpModule, MetricsModule],
  providers: [ModelServerClient, ServingProfileService],
  exports: [ModelServerClient, ServingProfileService],
})
export class ModelServerModule {}
