/** A shadow run's confidence histograms: ten bins over the predicted label's confidence, 0.5 to 1. */
export const CONFIDENCE_BINS = 10;

export function confidenceBin(score: number): number {
  return Math.max(0, Math.min(CONFIDENCE_BINS - 1, Math.floor((score - 0.5) * 2 * CONFIDENCE_BINS)));
}
