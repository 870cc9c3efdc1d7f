import { Module } from '@nestjs/common';

import { ModelLifecycleState } from './lifecycle-state';

/** Which version is live and which in shadow: read by every process that classifies or pins a job's version. */
@Module({ providers: [ModelLifecycleState], exports: [ModelLifecycleState] })
export class ModelStateModule {}
