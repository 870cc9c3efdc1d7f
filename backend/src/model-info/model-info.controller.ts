import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelInfo } from '@allocine/contracts';

import { ModelInfoService } from './model-info.service';

@ApiTags('model')
@Controller('model')
export class ModelInfoController {
  constructor(private readonly modelInfo: ModelInfoService) {}

  @Get()
  @ApiOperation({ summary: 'Served model: name, version, labels, documented accuracy and request limits' })
  info(): Promise<ModelInfo> {
    return this.modelInfo.info();
  }
}
