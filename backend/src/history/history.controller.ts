import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HistoryPage, StatsResponse } from '@allocine/contracts';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { problemSchema, historyPageSchema, statsSchema } from '../docs/schemas';
import { parseOrThrow } from '../validation/parse';
import { historyQuery, statsQuery } from './history-queries';
import { HistoryRepository } from './history.repository';

/** What was classified, and how sentiment moved: the caller's own history (each key sees only its own). */
@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(private readonly history: HistoryRepository) {}

  @Get('predictions')
  @ApiOperation({ summary: 'Classified reviews, newest first: single calls and job rows, filtered, by cursor' })
  @ApiQuery({ name: 'label', required: false, enum: ['positive', 'negative'] })
  @ApiQuery({ name: 'from', required: false, type: String, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, type: String, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'French full-text search (websearch syntax)' })
  @ApiQuery({ name: 'source', required: false, type: String, description: 'single, job, or a job id' })
  @ApiQuery({ name: 'minScore', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1..500, default 50' })
  @ApiResponse({ status: 200, schema: historyPageSchema })
  @ApiResponse({ status: 400, description: 'Invalid filter', schema: problemSchema })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)', schema: problemSchema })
  predictions(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>): Promise<HistoryPage> {
    return this.history.predictions(caller.owner, parseOrThrow(historyQuery, query, 'history query'));
  }

  @Get('stats')
  @ApiOperation({ summary: 'Per hour or day: counts by label, mean confidence, mean latency' })
  @ApiQuery({ name: 'bucket', required: false, enum: ['hour', 'day'] })
  @ApiQuery({ name: 'from', required: false, type: String, description: 'ISO 8601; default: 7 days before to' })
  @ApiQuery({ name: 'to', required: false, type: String, description: 'ISO 8601; default: now' })
  @ApiResponse({ status: 200, schema: statsSchema })
  @ApiResponse({ status: 400, description: 'Invalid period', schema: problemSchema })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)', schema: problemSchema })
  stats(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>): Promise<StatsResponse> {
    const { bucket, from, to } = parseOrThrow(statsQuery, query, 'stats query');
    return this.history.stats(caller.owner, bucket, from, to);
  }
}
