import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ModelInfo } from '@allocine/contracts';

import { ref } from '../openapi/schema-ref';
import { ModelInfoService } from './model-info.service';

@ApiTags('model')
@Controller('model')
export class ModelInfoController {
  constructor(private readonly modelInfo: ModelInfoService) {}

  @Get()
  @ApiOperation({ summary: 'Served model: name, version, labels, documented accuracy and request limits' })
  @ApiResponse({ status: 200, schema: ref('ModelInfo') })
  @ApiResponse({ status: 503, description: 'Model server unavailable (Retry-After)' })
  info(): Promise<ModelInfo> {
    return this.modelInfo.info();
  }
}
