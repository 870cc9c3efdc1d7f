import { CAPPED_BACKOFF, cappedBackoff } from './backoff';

describe('cappedBackoff', () => {
  it('doubles from the base delay and stops growing at the cap', () => {
    const delay = cappedBackoff(500, 10_000);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => delay(attempt, CAPPED_BACKOFF))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('spreads the default 20 attempts over minutes, so a model-server restart is ridden out', () => {
    const delay = cappedBackoff(500, 10_000);
    const total = Array.from({ length: 19 }, (_, i) => delay(i + 1, CAPPED_BACKOFF)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(120_000);
  });

  it('refuses backoff types it does not know (no retry)', () => {
    expect(cappedBackoff(500, 10_000)(1, 'exponential')).toBe(-1);
  });
});
