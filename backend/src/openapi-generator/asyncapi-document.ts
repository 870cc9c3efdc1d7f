import { z } from 'zod';

import { AppConfig } from '../config/app-config';
import { STREAM_HEADERS, streamMessageSchemas } from '../stream/stream-contract';

const headersSchema = (headers: Record<string, string>, required: string[]) => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(headers).map(([name, description]) => [name, { type: 'string', description }])),
  required,
});

/**
 * The AsyncAPI 3 document of the stream (topics, messages, headers), its payloads as JSON Schema (draft 7,
 * AsyncAPI's default schema format) generated from the zod schemas the connector reads and writes with.
 */
export function asyncApiDocument(config: AppConfig) {
  const { review, sentiment } = streamMessageSchemas(config);
  const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Allociné Sentiment: the review stream',
      version: '1.0.0',
      description:
        'Reviews published to the input topic are classified by the stream connector (APP_ROLE=stream, or `all` with KAFKA_BROKERS) ' +
        'and answered on the output topic, keyed by review id; a message that cannot be classified goes to the dead-letter topic ' +
        'with its reason in a header. Delivery: at least once by default (a consumer keeps the last sentiment per key); exactly once ' +
        'with STREAM_DELIVERY=exactly-once (consumers read with isolation.level=read_committed). README, Streaming.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: (config.KAFKA_BROKERS[0] ?? '127.0.0.1:9092'), protocol: 'kafka', description: 'STREAMING=1 npm start' } },
    channels: {
      reviews: {
        address: config.STREAM_INPUT_TOPIC,
        description: 'Reviews to classify; any key (the partition keeps their order).',
        messages: { review: { $ref: '#/components/messages/review' } },
      },
      sentiments: {
        address: config.STREAM_OUTPUT_TOPIC,
        description: 'One sentiment per review, keyed by its id (a replay after a failure sends the same key again).',
        messages: { sentiment: { $ref: '#/components/messages/sentiment' } },
      },
      deadLetters: {
        address: config.STREAM_DLQ_TOPIC,
        description: 'Messages that cannot be classified, their bytes as they came; their partition goes on.',
        messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
      },
    },
    operations: {
      sendReviews: { action: 'send', channel: { $ref: '#/channels/reviews' }, summary: 'A film site publishes reviews' },
      receiveSentiments: { action: 'receive', channel: { $ref: '#/channels/sentiments' }, summary: 'A data team reads their sentiments' },
      receiveDeadLetters: { action: 'receive', channel: { $ref: '#/channels/deadLetters' }, summary: 'An operator reads what was refused, and why' },
    },
    components: {
      messages: {
        review: { name: 'review', title: 'A review', payload: jsonSchema(review, 'input') },
        sentiment: {
          name: 'sentiment',
          title: 'Its sentiment',
          headers: headersSchema(STREAM_HEADERS.sentiment, ['x-request-id']),
          payload: jsonSchema(sentiment, 'output'),
        },
        deadLetter: {
          name: 'deadLetter',
          title: 'A message that cannot be classified',
          headers: headersSchema(STREAM_HEADERS.deadLetter, ['x-dlq-reason', 'x-dlq-detail', 'x-source-topic', 'x-source-partition', 'x-source-offset']),
          payload: { description: 'the message’s bytes as they came (they may not be JSON)' },
        },
      },
    },
  };
}
