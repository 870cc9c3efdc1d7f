import type { PredictionEvent } from '../history/history-events';
import { predictionEvent } from '../history/history-events';
import type { ModelResult } from '../model-server/model-server.types';
import { isItemError } from '../model-server/model-server.types';
import type { KafkaMessage } from './kafka-client';
import type { Refusal, StreamReview } from './stream-messages';
import { isRefusal, readReview, sentimentMessage, streamReview } from './stream-messages';
import type { ClassifiedReview } from '../shadow/shadow-sampler';

/** The most of a message's bytes a dead letter carries (the broker refuses a message over 1 MiB by default). */
export const MAX_DEAD_LETTER_BYTES = 256 * 1024;

/** One message to produce: a sentiment (keyed by review id) or a dead letter (the bytes as they came). */
export interface Produced {
  topic: string;
  key?: Buffer | string;
  value: string | Buffer;
  headers: Record<string, string>;
}

export interface BatchTopics {
  output: string;
  dlq: string;
}

/** Where the batch's history goes: whose it is and whether its texts are kept. */
export interface BatchHistory {
  owner: string;
  storeText: boolean;
}

/** The model server's answer for a batch's reviews: results in order, or why it refused them all. */
export type BatchPrediction = { results: ModelResult[]; latencyMs: number } | { rejected: string };

/** A batch's reviews, read: those to classify, and the messages refused before any model call. */
export interface ReadBatch {
  reviews: Array<{ message: KafkaMessage; review: StreamReview }>;
  refused: Map<KafkaMessage, Refusal>;
}

/** Reads each message of the batch (a bad one is refused with its reason, never stalls the batch). */
export function readBatch(batch: KafkaMessage[], schema: ReturnType<typeof streamReview>): ReadBatch {
  const reviews: ReadBatch['reviews'] = [];
  const refused = new Map<KafkaMessage, Refusal>();
  for (const message of batch) {
    const read = readReview(message.value, schema);
    if (isRefusal(read)) refused.set(message, read);
    else reviews.push({ message, review: read });
  }
  return { reviews, refused };
}

/**
 * The batch's messages to produce, in the batch's order (so each partition's order is kept): a sentiment for each
 * review classified, a dead letter for each refused; and the history events of the sentiments.
 */
export function batchOutcome(
  batch: KafkaMessage[],
  read: ReadBatch,
  prediction: BatchPrediction | null,
  context: { topics: BatchTopics; headers: Record<string, string>; history: BatchHistory },
): { produced: Produced[]; history: PredictionEvent[]; classified: ClassifiedReview[]; deadLettered: number } {
  const results = new Map<KafkaMessage, ModelResult>();
  const refused = new Map(read.refused);
  read.reviews.forEach(({ message }, index) => {
    if (prediction && 'rejected' in prediction) refused.set(message, { reason: 'invalid', detail: `the model server refused the batch: ${prediction.rejected}` });
    else if (prediction) results.set(message, prediction.results[index]);
  });
  const reviews = new Map(read.reviews.map(({ message, review }) => [message, review]));
  const produced: Produced[] = [];
  const history: PredictionEvent[] = [];
  const classified: ClassifiedReview[] = [];
  let deadLettered = 0;
  for (const message of batch) {
    const source = { topic: message.topic, partition: message.partition, offset: String(message.offset) };
    const result = results.get(message);
    const review = reviews.get(message);
    if (!result || !review || isItemError(result)) {
      const why = refused.get(message) ?? (result && isItemError(result) ? { reason: 'invalid' as const, detail: `${result.error.code}: ${result.error.message}` } : { reason: 'invalid' as const, detail: 'not classified' });
      deadLettered++;
      const value = message.value ?? Buffer.alloc(0);
      // A message near the broker's size limit could not be dead-lettered whole (headers added): its beginning
      // is, and the source offset says where the whole one still is.
      const truncated = value.length > MAX_DEAD_LETTER_BYTES;
      produced.push({
        topic: context.topics.dlq,
        ...(message.key ? { key: message.key } : {}),
        value: truncated ? value.subarray(0, MAX_DEAD_LETTER_BYTES) : value,
        headers: {
          ...context.headers,
          'x-dlq-reason': why.reason,
          'x-dlq-detail': why.detail,
          'x-source-topic': source.topic,
          'x-source-partition': String(source.partition),
          'x-source-offset': source.offset,
          ...(truncated ? { 'x-dlq-truncated-from': String(value.length) } : {}),
        },
      });
      continue;
    }
    const latencyMs = prediction && 'latencyMs' in prediction ? prediction.latencyMs : 0;
    // A message read twice (at least once) rewrites the same history row: the event id is the message's place,
    // and the sentiment carries it as the id a reviewer corrects it with.
    const predictionId = `stream:${source.topic}:${source.partition}:${source.offset}`;
    const sentiment = sentimentMessage(review, result, source, latencyMs, predictionId);
    produced.push({ topic: context.topics.output, key: review.id, value: JSON.stringify(sentiment), headers: context.headers });
    classified.push({ predictionId, text: review.text, label: result.label, score: result.score });
    history.push(
      predictionEvent(
        { ...result, latencyMs },
        { eventId: predictionId, owner: context.history.owner, text: review.text, storeText: context.history.storeText, reviewId: review.id, stream: source },
      ),
    );
  }
  return { produced, history, classified, deadLettered };
}
