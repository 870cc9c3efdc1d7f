import { InOrder } from './in-order';

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('InOrder', () => {
  it('finishes in the order work was started, consecutive ready items together, never two finishes at once', async () => {
    const finished: number[][] = [];
    let running = 0;
    let overlapped = false;
    const counts: number[] = [];
    const order = new InOrder<number>(async (ready) => {
      overlapped ||= running > 0;
      running++;
      finished.push(ready);
      await later(null, 30);
      running--;
    }, (count) => counts.push(count));
    order.add(later(1, 40)); // the oldest is the slowest: 2 and 3 wait for it, then go with it
    order.add(later(2, 5));
    order.add(later(3, 10));
    await later(null, 50);
    order.add(later(4, 0)); // ready while 1-3 are being finished: goes next, alone
    await order.idle();
    expect(finished).toEqual([[1, 2, 3], [4]]);
    expect(counts).toEqual([3, 1]);
    expect(overlapped).toBe(false);
    expect(order.size).toBe(0);
  });
});
