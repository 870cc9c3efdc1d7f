import { MetricsService } from '../metrics/metrics.service';
import { ModelResult, isItemError } from './model-server.types';

/** Reviews classified, by label; per-item errors count as "error". */
export function countPredictions(metrics: MetricsService, results: ModelResult[]): void {
  for (const result of results) metrics.predictions.inc({ label: isItemError(result) ? 'error' : result.label });
}
