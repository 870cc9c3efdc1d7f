import { Module } from '@nestjs/common';

import { HistoryDatabaseService } from './history-database';
import { HistoryLog } from './history-log';
import { HistoryRepository } from './history.repository';

/**
 * Durable history in PostgreSQL: events go through a Redis stream (HistoryLog) and are written in batches
 * (HistoryDrainer, in HistoryWorkerModule); reads go to the database (HistoryRepository). Contract: CONTRACT.md beside this file.
 */
@Module({
  providers: [HistoryDatabaseService, HistoryLog, HistoryRepository],
  exports: [HistoryDatabaseService, HistoryLog, HistoryRepository],
})
export class HistoryModule {}
