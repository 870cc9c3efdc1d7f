import { CONFIDENCE_BINS, confidenceBin } from './shadow-stats';

describe('confidenceBin', () => {
  it('cuts the predicted label’s confidence, 0.5 to 1, into ten equal bins, the ends included', () => {
    expect([0.5, 0.549, 0.55, 0.75, 0.949, 0.95, 1].map(confidenceBin)).toEqual([0, 0, 1, 5, 8, 9, 9]);
    expect(confidenceBin(0.2)).toBe(0); // never below the first bin, whatever the model says
    expect(CONFIDENCE_BINS).toBe(10);
  });
});
