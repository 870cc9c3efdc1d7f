import { bucketLabel } from './bucket-label';

describe('bucketLabel', () => {
  it('writes the hour once ("02 h", not "02 h h") and days as day/month', () => {
    const start = new Date(2026, 10, 28, 2).toISOString();
    expect(bucketLabel(start, 'hour')).toBe('28/11 02 h');
    expect(bucketLabel(start, 'day')).toBe('28/11');
  });
});
