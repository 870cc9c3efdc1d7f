import { Module } from '@nestjs/common';

import { DriftModule } from '../drift/drift.module';
import { HistoryModule } from '../history/history.module';
import { ModelServerModule } from '../model-server/model-server.module';
import { InteractiveDemand } from './interactive-demand';
import { ShadowModule } from '../shadow/shadow.module';
import { StreamConnector } from './stream-connector';

/** The stream's worker side: the Kafka connector (StreamConnector), picked by AppModule's role. */
@Module({ imports: [ModelServerModule, HistoryModule, DriftModule, ShadowModule], providers: [StreamConnector, InteractiveDemand] })
export class StreamWorkerModule {}
