import { loadConfig } from '../config/app-config';
import { isRefusal, readReview, sentimentMessage, streamReview } from './stream-messages';

const schema = streamReview(loadConfig({ MAX_TEXT_CHARS: '100' }));

describe('stream messages', () => {
  it('reads a review: id (a number becomes its text), text trimmed, metadata kept', () => {
    expect(readReview(Buffer.from('{"id": 7, "text": "  Superbe  ", "metadata": {"film": "x"}}'), schema)).toEqual({ id: '7', text: 'Superbe', metadata: { film: 'x' } });
    expect(readReview('{"id": "a", "text": "Bien"}', schema)).toEqual({ id: 'a', text: 'Bien', metadata: null });
  });

  it.each([
    ['not json', 'not_json', /not JSON/],
    ['{"id": "a"}', 'invalid', /^text: /],
    ['{"id": "a", "text": "   "}', 'invalid', /^text: /],
    [`{"id": "a", "text": "${'x'.repeat(101)}"}`, 'invalid', /longer than 100/],
    ['{"id": "a", "text": "bien\\u0000"}', 'invalid', /control character/],
    ['{"id": "a", "text": "bien", "extra": 1}', 'invalid', /extra/],
    ['[1, 2]', 'invalid', /message/],
  ])('refuses %s with its reason', (value, reason, detail) => {
    const read = readReview(Buffer.from(value), schema);
    expect(isRefusal(read)).toBe(true);
    expect(read).toMatchObject({ reason });
    expect((read as { detail: string }).detail).toMatch(detail);
  });

  it("gives a sentiment the REST result's shape, with the review's id, metadata and where it came from", () => {
    const result = { label: 'positive' as const, score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false, truncated: false, model: 'm', version: '1' };
    const source = { topic: 'allocine.reviews.v1', partition: 2, offset: '41' };
    expect(sentimentMessage({ id: 'a', text: 'Bien', metadata: { film: 'x' } }, result, source, 3, 'stream:t:0:1')).toEqual({
      id: 'a', ...result, latencyMs: 3, predictionId: 'stream:t:0:1', metadata: { film: 'x' }, source,
    });
  });
});
