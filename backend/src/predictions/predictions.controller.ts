import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PredictManyResponse, PredictionResult } from '@allocine/contracts';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ref } from '../openapi/schema-ref';
import { RequestId } from '../logging/request-id';
import { parseOrThrow } from '../validation/parse';
import { predictRequestSchemas } from '../validation/schemas';
import { PredictionsService } from './predictions.service';

@ApiTags('predictions')
@Controller('predictions')
export class PredictionsController {
  private readonly schemaFor: ReturnType<typeof predictRequestSchemas>;

  constructor(
    private readonly predictions: PredictionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schemaFor = predictRequestSchemas(config);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Classify one review ({"text"}) or up to 100 ({"texts"}) and wait for the result',
    description: 'Goes through the queue; 504 when no result arrives in time, 503 with Retry-After when overloaded.',
  })
  @ApiBody({ schema: { oneOf: [ref('PredictRequest'), ref('PredictManyRequest')] } })
  @ApiOkResponse({ description: 'One result, or {results, latencyMs} for "texts"', schema: { oneOf: [ref('PredictionResult'), ref('PredictManyResponse')] } })
  @ApiResponse({ status: 400, description: 'Invalid text(s)' })
  @ApiResponse({ status: 415, description: 'A body that is not JSON, or compressed (Content-Encoding)' })
  @ApiResponse({ status: 503, description: 'Queue or model server unavailable, or overloaded' })
  @ApiResponse({ status: 504, description: 'No result in time' })
  async predict(@CurrentCaller() caller: Caller, @Body() body: unknown, @RequestId() requestId: string): Promise<PredictionResult | PredictManyResponse> {
    const request = parseOrThrow(this.schemaFor(body), body, 'prediction request');
    if ('texts' in request) {
      const results = await this.predictions.predict(caller, request.texts, false, requestId);
      return { results, latencyMs: results[0]?.latencyMs ?? 0 };
    }
    const [result] = await this.predictions.predict(caller, [request.text], request.explain ?? false, requestId);
    return result;
  }
}
