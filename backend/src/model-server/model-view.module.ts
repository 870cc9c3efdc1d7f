import { DynamicModule, Module } from '@nestjs/common';

import { ModelServerModule } from './model-server.module';
import { ModelStatusPublisher } from './model-status.publisher';
import { DirectModelView, ModelView, PublishedModelView } from './model-view';

/**
 * How this process sees the model, chosen by AppModule from the role: a process that runs workers asks the model
 * server itself; an API-only process reads the workers' report, so that only workers reach the inference port.
 * Global because health, model information and the serving profile all need the one view.
 */
@Module({})
export class ModelViewModule {
  static direct(): DynamicModule {
    return { module: ModelViewModule, global: true, imports: [ModelServerModule], providers: [{ provide: ModelView, useClass: DirectModelView }], exports: [ModelView] };
  }

  static published(): DynamicModule {
    return { module: ModelViewModule, global: true, imports: [ModelServerModule], providers: [{ provide: ModelView, useClass: PublishedModelView }], exports: [ModelView] };
  }
}

/** A worker beside no API publishes what the model server says of itself for the API processes (ModelStatusBoard). */
@Module({ imports: [ModelServerModule], providers: [ModelStatusPublisher] })
export class ModelStatusReportModule {}
