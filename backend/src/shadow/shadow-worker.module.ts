import { Module } from '@nestjs/common';

import { ModelServerModule } from '../model-server/model-server.module';
import { ShadowWorker } from './shadow-worker';

/** The shadow's worker side: copies of live reviews classified by the version in shadow (ShadowWorker). */
@Module({ imports: [ModelServerModule], providers: [ShadowWorker] })
export class ShadowWorkerModule {}
