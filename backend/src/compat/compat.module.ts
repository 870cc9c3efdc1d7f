import { Module } from '@nestjs/common';

import { ModelInfoModule } from '../model-info/model-info.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { CompatController } from './compat.controller';

/** The original app's API (COMPAT_API=true): /predict, /predict_batch, /health, /model_info over the main API's services. */
@Module({ imports: [PredictionsModule, ModelInfoModule], controllers: [CompatController] })
export class CompatModule {}
