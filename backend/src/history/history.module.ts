import { Module } from '@nestjs/common';

import { HistoryDatabaseService } from './history-database';
import { HistoryDrainer } from './history-drainer';
import { HistoryLog } from './history-log';
import { HistoryRepository } from './history.repository';

/**
 * Durable history in PostgreSQL: events go through a Redis stream (HistoryLog) and are written in batches
 * (HistoryDrainer); reads go to the database (HistoryRepository). Contract: CONTRACT.md beside this file.
 */
@Module({
  providers: [HistoryDatabaseService, HistoryLog, HistoryRepository, HistoryDrainer],
  exports: [HistoryDatabaseService, HistoryLog, HistoryRepository],
})
export class HistoryModule {}
