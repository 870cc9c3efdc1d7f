import { Module } from '@nestjs/common';

import { DriftBaseline } from './drift-baseline';
import { DriftMonitor } from './drift.monitor';

/** What every process that classifies reviews needs: the baseline and the monitor that bins its traffic. */
@Module({ providers: [DriftBaseline, DriftMonitor], exports: [DriftBaseline, DriftMonitor] })
export class DriftModule {}
