import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Correction, CorrectionList, VersionErrorRates } from '@allocine/contracts';
import type { Response } from 'express';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { ApiError, invalidRequest, notFound } from '../common/api-errors';
import { ApiQueryFrom, requestJsonSchema } from '../openapi/openapi';
import { ref } from '../openapi/schema-ref';
import { parseOrThrow } from '../validation/parse';
import { correctionsToCsv } from './corrections-csv';
import { PREDICTION_ID_PATTERN, correctionListQuery, feedbackRequest } from './feedback-queries';
import { FeedbackRepository } from './feedback.repository';

/** A single prediction reaches the history a moment after its answer: a correction made at once waits for it. */
const RECORDED_WITHIN_MS = 3_000;
const predictionId = new RegExp(PREDICTION_ID_PATTERN);

/** Reviewers correct predictions; the corrections are listed, exported and counted per model version. */
@ApiTags('feedback')
@Controller()
export class FeedbackController {
  constructor(private readonly feedback: FeedbackRepository) {}

  @Post('predictions/:predictionId/feedback')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Correct a prediction (a single one, a job row, a streamed review): what the review really is',
    description: 'Recorded with who corrected it, when, and the model version it corrects; a second correction replaces the first. A client key corrects its own predictions, an admin key any.',
  })
  @ApiParam({ name: 'predictionId', schema: { type: 'string', pattern: PREDICTION_ID_PATTERN }, description: 'predictionId of a result, a job row or a history item' })
  @ApiBody({ schema: requestJsonSchema(feedbackRequest) })
  @ApiResponse({ status: 201, schema: ref('Correction') })
  @ApiResponse({ status: 400, description: 'Not a prediction id, or a label other than positive or negative' })
  @ApiResponse({ status: 404, description: 'No such prediction for this key (unknown, deleted, or another key\'s)' })
  @ApiResponse({ status: 409, description: 'The review ended as an error: there is no prediction to correct' })
  @ApiResponse({ status: 415, description: 'A body that is not JSON, or compressed (Content-Encoding)' })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  async correct(@CurrentCaller() caller: Caller, @Param('predictionId') id: string, @Body() body: unknown): Promise<Correction> {
    if (!predictionId.test(id)) throw invalidRequest('Invalid prediction id', [{ path: 'predictionId', message: 'predictionId is the predictionId of a result, a job row or a history item', code: 'invalid' }]);
    const { label } = parseOrThrow(feedbackRequest, body, 'correction');
    const deadline = Date.now() + RECORDED_WITHIN_MS;
    for (;;) {
      const correction = await this.feedback.correct(caller, id, label);
      if (correction) return correction;
      if (Date.now() > deadline) throw notFound(`No prediction ${id} for this key (unknown, deleted, or another key's)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  @Get('feedback')
  @ApiOperation({ summary: "Corrections of the caller's predictions (every key's for an admin key), newest first; ?format=csv exports them all" })
  @ApiQueryFrom(correctionListQuery)
  @ApiProduces('application/json', 'text/csv')
  @ApiResponse({ status: 200, schema: ref('CorrectionList') })
  @ApiResponse({ status: 400, description: 'Invalid cursor, limit or format, or an unknown parameter' })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  async list(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>, @Res({ passthrough: true }) response: Response): Promise<CorrectionList | string> {
    const { cursor, limit, format } = parseOrThrow(correctionListQuery, query, 'corrections query');
    if (format !== 'csv') return this.feedback.list(caller, cursor, limit);
    const all: CorrectionList['items'] = [];
    for (let page = await this.feedback.list(caller, undefined, 1_000); ; page = await this.feedback.list(caller, page.nextCursor!, 1_000)) {
      all.push(...page.items);
      if (!page.nextCursor) break;
      if (all.length >= MAX_EXPORT) throw new ApiError('payload-too-large', `More than ${MAX_EXPORT} corrections: page through GET /api/v1/feedback instead`);
    }
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="allocine-sentiment-corrections.csv"');
    return correctionsToCsv(all);
  }

  @Get('feedback/versions')
  @ApiOperation({ summary: 'Per model version: reviews classified, reviewed by a person, and the observed error rate among them' })
  @ApiResponse({ status: 200, schema: ref('VersionErrorRates') })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  versions(@CurrentCaller() caller: Caller): Promise<VersionErrorRates> {
    return this.feedback.versions(caller);
  }
}

/** An export is built in memory: bounded, as a job's results are. */
const MAX_EXPORT = 100_000;
