import { Module } from '@nestjs/common';

import { HistoryController } from './history.controller';
import { HistoryModule } from './history.module';

/** The history's API side: GET /predictions and /stats. */
@Module({ imports: [HistoryModule], controllers: [HistoryController] })
export class HistoryApiModule {}
