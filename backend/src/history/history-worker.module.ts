import { Module } from '@nestjs/common';

import { HistoryDrainer } from './history-drainer';
import { HistoryModule } from './history.module';

/** The history's worker side: moves the events API processes append into the database. */
@Module({
  imports: [HistoryModule],
  providers: [HistoryDrainer],
})
export class HistoryWorkerModule {}
