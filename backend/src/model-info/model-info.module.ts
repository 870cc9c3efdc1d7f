import { Module } from '@nestjs/common';

import { ModelServerModule } from '../model-server/model-server.module';
import { ModelInfoController } from './model-info.controller';
import { ModelInfoService } from './model-info.service';

@Module({
  imports: [ModelServerModule],
  controllers: [ModelInfoController],
  providers: [ModelInfoService],
  exports: [ModelInfoService],
})
export class ModelInfoModule {}
