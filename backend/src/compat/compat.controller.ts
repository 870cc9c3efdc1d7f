import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, HttpCode, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { sendError } from '../common/http-exception.filter';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RequestId } from '../logging/request-id';
import { ModelInfoService } from '../model-info/model-info.service';
import { ModelView } from '../model-server/model-view';
import { ref } from '../openapi/schema-ref';
import { PredictionsService } from '../predictions/predictions.service';
import { parseOrThrow } from '../validation/parse';
import { COMPAT_MAX_BATCH, compatRequestForms } from '../validation/schemas';
import { toOriginal, toOriginalBatch, toOriginalModelInfo } from './compat-answers';

/**
 * Errors as every route gives them (RFC 9457 problems), plus the `error` member the original app's clients
 * print: the first field's message, else the detail.
 */
@Catch()
class OriginalErrors implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), exception, (problem) => ({
      error: problem.errors?.[0]?.message ?? problem.detail,
    }));
  }
}

const DEPRECATED = "Deprecated, kept for the original app's clients (COMPAT_API=true).";
const SAME_PATH = `${DEPRECATED} It goes through the same queue, keys, limits and history as`;

/**
 * The original app's Flask API, for its clients (its Streamlit page, scripts): the same routes, bodies and fields.
 * A thin translation of the main API — the same PredictionsService, so the same queue, keys, rate limits and
 * history; nothing classifies here. Mounted at the root, outside /api/v1, only with COMPAT_API=true.
 */
@ApiTags('original API (deprecated)')
@UseFilters(OriginalErrors)
@Controller()
export class CompatController {
  private readonly forms: ReturnType<typeof compatRequestForms>;
  private readonly maxBatch: number;

  constructor(
    private readonly predictions: PredictionsService,
    private readonly modelInfo: ModelInfoService,
    private readonly model: ModelView,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.forms = compatRequestForms(config);
    this.maxBatch = Math.min(COMPAT_MAX_BATCH, config.MAX_TEXTS_PER_REQUEST);
  }

  @Post('predict')
  @HttpCode(200)
  @ApiOperation({ deprecated: true, summary: 'One review (original API)', description: `${SAME_PATH} POST /api/v1/predictions {"text"}.` })
  @ApiBody({ schema: ref('CompatPredictRequest') })
  @ApiOkResponse({ schema: ref('CompatPrediction') })
  @ApiResponse({ status: 400, description: 'Invalid text (`error` says why)' })
  @ApiResponse({ status: 415, description: 'A body that is not JSON, or compressed' })
  @ApiResponse({ status: 503, description: 'Queue or model server unavailable, or overloaded' })
  @ApiResponse({ status: 504, description: 'No result in time' })
  async predict(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestId() requestId: string) {
    const { text } = parseOrThrow(this.forms.single, body, 'prediction request');
    const [result] = await this.predictions.predict(caller, [text], false, requestId);
    return toOriginal(text, result);
  }

  @Post('predict_batch')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: `Up to ${COMPAT_MAX_BATCH} reviews (original API)`,
    description: `${SAME_PATH} POST /api/v1/predictions {"texts"}; POST /api/v1/jobs takes up to 10,000.`,
  })
  @ApiBody({ schema: ref('CompatBatchRequest') })
  @ApiOkResponse({ schema: ref('CompatBatch') })
  @ApiResponse({ status: 400, description: `Invalid texts, or more than ${COMPAT_MAX_BATCH}` })
  @ApiResponse({ status: 415, description: 'A body that is not JSON, or compressed' })
  @ApiResponse({ status: 503, description: 'Queue or model server unavailable, or overloaded' })
  @ApiResponse({ status: 504, description: 'No result in time' })
  async predictBatch(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestId() requestId: string) {
    const { texts } = parseOrThrow(this.forms.batch, body, 'batch request');
    return toOriginalBatch(texts, await this.predictions.predict(caller, texts, false, requestId));
  }

  @Get('health')
  @SkipThrottle()
  @ApiOperation({ deprecated: true, summary: 'Is the model answering (original API; no key needed)', description: `${DEPRECATED} GET /api/v1/health/ready reports each component.` })
  @ApiOkResponse({ schema: ref('CompatHealth') })
  @ApiResponse({ status: 503, description: 'The model server is not answering', schema: ref('CompatHealth') })
  async health(@Res({ passthrough: true }) response: Response) {
    const described = await this.model.describe().catch(() => null);
    if (!described) response.status(503);
    return { status: described ? 'healthy' : 'unhealthy', model_loaded: described !== null, model: described?.model ?? null };
  }

  @Get('model_info')
  @ApiOperation({ deprecated: true, summary: 'The served model (original API)', description: `${DEPRECATED} GET /api/v1/model says more.` })
  @ApiOkResponse({ schema: ref('CompatModelInfo') })
  @ApiResponse({ status: 503, description: 'Model server unavailable (Retry-After)' })
  async info() {
    return toOriginalModelInfo(await this.modelInfo.info(), this.maxBatch);
  }
}
