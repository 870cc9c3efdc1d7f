import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HistoryPage, StatsResponse } from '@allocine/contracts';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { ApiQueryFrom } from '../openapi/openapi';
import { ref } from '../openapi/schema-ref';
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
  @ApiQueryFrom(historyQuery)
  @ApiResponse({ status: 200, schema: ref('HistoryPage') })
  @ApiResponse({ status: 400, description: 'Invalid filter' })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  predictions(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>): Promise<HistoryPage> {
    return this.history.predictions(caller.owner, parseOrThrow(historyQuery, query, 'history query'));
  }

  @Get('stats')
  @ApiOperation({ summary: 'Per hour or day: counts by label, mean confidence, mean latency' })
  @ApiQueryFrom(statsQuery)
  @ApiResponse({ status: 200, schema: ref('StatsResponse') })
  @ApiResponse({ status: 400, description: 'Invalid period' })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  stats(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>): Promise<StatsResponse> {
    const { bucket, from, to } = parseOrThrow(statsQuery, query, 'stats query');
    return this.history.stats(caller.owner, bucket, from, to);
  }
}
