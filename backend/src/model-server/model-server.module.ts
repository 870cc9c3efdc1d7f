import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';

import { MetricsModule } from '../metrics/metrics.module';
import { ModelManagementClient } from './model-management.client';
import { ModelServerClient } from './model-server.client';
import { ModelStatusBoard } from './model-view';
import { ServingProfileService } from './serving-profile.service';

/**
 * The model server's adapter. How this process sees the model (ModelView) is chosen by its role, once, in
 * app.module.ts: see ModelViewModule.
 */
@Module({
  imports: [HttpModule, MetricsModule],
  providers: [
    ModelServerClient,
    ModelManagementClient,
    ModelStatusBoard,
    ServingProfileService,
  ],
  exports: [ModelServerClient, ModelManagementClient, ModelStatusBoard, ServingProfileService],
})
export class ModelServerModule {}
