import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DriftReport as Report } from '@allocine/contracts';
import { z } from 'zod';

import { ApiQueryFrom } from '../openapi/openapi';
import { ref } from '../openapi/schema-ref';
import { parseOrThrow } from '../validation/parse';
import { queryNumber } from '../validation/schemas';
import { DriftReport } from './drift.report';

const driftQuery = z.strictObject({
  hours: queryNumber(z.coerce.number().int().min(1).max(192).default(24)).describe('How many hours back, this one included'),
});

/** Whether today's reviews still look like the data the model was measured on. */
@ApiTags('drift')
@Controller('drift')
export class DriftController {
  constructor(private readonly drift: DriftReport) {}

  @Get()
  @ApiOperation({
    summary: 'Per hour: review length, unknown words, label mix and confidence of live traffic against the baseline, as population stability indices',
  })
  @ApiQueryFrom(driftQuery)
  @ApiResponse({ status: 200, schema: ref('DriftReport') })
  @ApiResponse({ status: 400, description: 'hours out of 1..192, or an unknown parameter' })
  @ApiResponse({ status: 503, description: 'Redis unavailable (Retry-After)' })
  report(@Query() query: Record<string, string>): Promise<Report> {
    return this.drift.report(parseOrThrow(driftQuery, query, 'drift query').hours);
  }
}
