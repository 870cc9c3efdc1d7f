import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ModelServerClient } from './model-server.client';
import { DirectModelView, ModelStatusBoard, ModelView, PublishedModelView } from './model-view';
import { ServingProfileService } from './serving-profile.service';

/** The model server's adapter; an API-only process sees the model through the workers' report instead. */
@Module({
  imports: [HttpModule, MetricsModule],
  providers: [
    ModelServerClient,
    ModelStatusBoard,
    {
      provide: ModelView,
      inject: [APP_CONFIG, ModelServerClient, ModelStatusBoard],
      useFactory: (config: AppConfig, client: ModelServerClient, board: ModelStatusBoard) =>
        config.APP_ROLE === 'api' ? new PublishedModelView(board) : new DirectModelView(client),
    },
    ServingProfileService,
  ],
  exports: [ModelServerClient, ModelStatusBoard, ModelView, ServingProfileService],
})
export class ModelServerModule {}
