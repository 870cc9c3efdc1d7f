import { Module } from '@nestjs/common';

import { ModelServerModule } from '../model-server/model-server.module';
import { StreamConnector } from './stream-connector';

/** The stream's worker side: the Kafka connector (StreamConnector), picked by AppModule's role. */
@Module({ imports: [ModelServerModule], providers: [StreamConnector] })
export class StreamWorkerModule {}
