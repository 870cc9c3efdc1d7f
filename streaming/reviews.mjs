#!/usr/bin/env node
// Send reviews to the stream and read its sentiments, against KAFKA_BROKERS (default 127.0.0.1:9092, the broker
// `STREAMING=1 npm start` runs):
//   npm run stream:reviews -- send "Un chef-d'œuvre." "Ennuyeux à mourir."   (or one review per line on stdin)
//   npm run stream:reviews -- read [--from-beginning]                      (prints allocine.sentiments.v1; Ctrl+C stops)
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const { Consumer, Producer, ProduceAcks, stringSerializers } = createRequire(import.meta.url)('@platformatic/kafka');
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const [command, ...rest] = process.argv.slice(2);

async function send(texts) {
  const producer = new Producer({ clientId: 'reviews-cli', bootstrapBrokers: brokers, serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
  const messages = texts.map((text) => ({ topic: process.env.STREAM_INPUT_TOPIC ?? 'allocine.reviews.v1', value: JSON.stringify({ id: randomUUID(), text }) }));
  await producer.send({ messages });
  await producer.close();
  const ids = messages.map((message) => JSON.parse(message.value).id);
  console.log(`sent ${messages.length} review${messages.length === 1 ? '' : 's'} to ${messages[0]?.topic}: ${ids.join(' ')}`);
}

async function read(fromBeginning) {
  const consumer = new Consumer({ groupId: `reviews-cli-${randomUUID()}`, clientId: 'reviews-cli', bootstrapBrokers: brokers });
  const stream = await consumer.consume({ autocommit: false, topics: [process.env.STREAM_OUTPUT_TOPIC ?? 'allocine.sentiments.v1'], mode: fromBeginning ? 'earliest' : 'latest' });
  process.on('SIGINT', () => void stream.close().then(() => consumer.close(true)).then(() => process.exit(0)));
  for await (const message of stream) console.log(message.value.toString());
}

if (command === 'send') {
  const texts = rest.length ? rest : [];
  if (!texts.length) for await (const line of createInterface({ input: process.stdin })) if (line.trim()) texts.push(line.trim());
  await send(texts);
} else if (command === 'read') {
  await read(rest.includes('--from-beginning'));
} else {
  console.error('usage: npm run stream:reviews -- send "review" ... | read [--from-beginning]');
  process.exit(2);
}
