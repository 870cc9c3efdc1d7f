import { Module } from '@nestjs/common';

import { ModelStateModule } from '../model-state/model-state.module';
import { ShadowSampler } from './shadow-sampler';

/** What every process that classifies reviews needs to feed the shadow: the sampler. */
@Module({ imports: [ModelStateModule], providers: [ShadowSampler], exports: [ShadowSampler] })
export class ShadowModule {}
