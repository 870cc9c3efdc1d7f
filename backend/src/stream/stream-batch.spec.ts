import { loadConfig } from '../config/app-config';
import type { KafkaMessage } from './kafka-client';
import { MAX_DEAD_LETTER_BYTES, batchOutcome, readBatch } from './stream-batch';
import { MAX_SEND_BYTES, sends } from './stream-delivery';
import { streamMessageSchemas } from './stream-contract';
import { streamReview } from './stream-messages';

const config = loadConfig({});
const schema = streamReview(config);
const message = (offset: number, value: string, partition = 0) =>
  ({ topic: 'allocine.reviews.v1', partition, offset: BigInt(offset), key: undefined, value: Buffer.from(value), headers: new Map() }) as unknown as KafkaMessage;
const result = (label: 'positive' | 'negative') => ({
  label,
  score: 0.8,
  probabilities: label === 'positive' ? { negative: 0.2, positive: 0.8 } : { negative: 0.8, positive: 0.2 },
  uncertain: false,
  truncated: false,
  model: 'embedded',
  version: '1',
});
const context = { topics: { output: 'out', dlq: 'dlq' }, headers: { 'x-request-id': 'r1' }, history: { owner: 'anonymous', storeText: true } };

describe('a micro-batch’s outcome', () => {
  const batch = [message(0, '{"id":"a","text":"Superbe"}'), message(1, 'oops'), message(2, '{"id":"b","text":"Nul"}', 1)];

  it('answers each message in the batch’s order: sentiments keyed by id, the refused one dead-lettered with its reason', () => {
    const read = readBatch(batch, schema);
    expect(read.reviews.map((entry) => entry.review.id)).toEqual(['a', 'b']);
    const { produced, history, deadLettered } = batchOutcome(batch, read, { results: [result('positive'), result('negative')], latencyMs: 2 }, context);
    expect(produced.map((entry) => [entry.topic, entry.key])).toEqual([['out', 'a'], ['dlq', undefined], ['out', 'b']]);
    expect(produced[1].headers).toMatchObject({ 'x-dlq-reason': 'not_json', 'x-source-offset': '1', 'x-request-id': 'r1' });
    expect(produced[1].value.toString()).toBe('oops');
    expect(deadLettered).toBe(1);
    const sentiment = JSON.parse(produced[2].value as string);
    expect(streamMessageSchemas(config).sentiment.safeParse(sentiment).success).toBe(true);
    expect(sentiment).toMatchObject({ id: 'b', label: 'negative', source: { topic: 'allocine.reviews.v1', partition: 1, offset: '2' } });
    // History: origin stream, one row per message place (a replay rewrites it).
    expect(history.map((event) => [event.eventId, event.reviewId, event.stream])).toEqual([
      ['stream:allocine.reviews.v1:0:0', 'a', { topic: 'allocine.reviews.v1', partition: 0, offset: '0' }],
      ['stream:allocine.reviews.v1:1:2', 'b', { topic: 'allocine.reviews.v1', partition: 1, offset: '2' }],
    ]);
  });

  it('dead-letters the reviews the model server refused, item by item or all together', () => {
    const read = readBatch(batch, schema);
    const itemError = batchOutcome(batch, read, { results: [result('positive'), { error: { code: 'too_long', message: 'no' } }], latencyMs: 2 }, context);
    expect(itemError.produced.map((entry) => entry.topic)).toEqual(['out', 'dlq', 'dlq']);
    expect(itemError.produced[2].headers['x-dlq-detail']).toBe('too_long: no');
    expect(itemError.history).toHaveLength(1);
    const rejected = batchOutcome(batch, read, { rejected: 'bad request' }, context);
    expect(rejected.produced.map((entry) => entry.topic)).toEqual(['dlq', 'dlq', 'dlq']);
    expect(rejected.produced[0].headers['x-dlq-detail']).toMatch(/refused the batch: bad request/);
    expect(rejected.history).toEqual([]);
  });

  it('dead-letters the beginning of a message near the broker’s size limit, saying how long it was', () => {
    const huge = [message(0, `{"id":"a","text":"${'x'.repeat(MAX_DEAD_LETTER_BYTES)}"}`)];
    const { produced } = batchOutcome(huge, readBatch(huge, schema), null, context);
    expect(produced[0].value.length).toBe(MAX_DEAD_LETTER_BYTES);
    expect(produced[0].headers['x-dlq-truncated-from']).toBe(String(MAX_DEAD_LETTER_BYTES + 20));
    expect(produced[0].headers['x-dlq-detail']).toMatch(/longer than/);
  });

  it('keeps no text in the history when STORE_TEXT is off', () => {
    const read = readBatch(batch, schema);
    const { history } = batchOutcome(batch, read, { results: [result('positive'), result('negative')], latencyMs: 2 }, { ...context, history: { owner: 'key:x', storeText: false } });
    expect(history.every((event) => event.text === null && event.owner === 'key:x' && event.textSha256.length === 64)).toBe(true);
  });
});

describe('sends', () => {
  it('splits what one delivery produces into sends under the broker’s limit, in order', () => {
    const produced = Array.from({ length: 3_000 }, (_, i) => ({ topic: 'out', key: `r${i}`, value: 'x'.repeat(400), headers: { 'x-request-id': 'r' } }));
    const parts = sends(produced);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.flat()).toEqual(produced);
    for (const part of parts) expect(part.reduce((sum, entry) => sum + Buffer.byteLength(entry.value) + 64, 0)).toBeLessThanOrEqual(MAX_SEND_BYTES);
  });
});
