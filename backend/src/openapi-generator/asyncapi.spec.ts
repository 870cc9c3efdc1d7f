import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';

import { loadConfig } from '../config/app-config';
import { asyncApiDocument } from './asyncapi-document';

// The AsyncAPI 3.0.0 meta-schema, as the AsyncAPI initiative publishes it (its $refs bundled in one file).
const META_SCHEMA = join(__dirname, '../../../node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json');

describe('the AsyncAPI document of the stream', () => {
  const document = asyncApiDocument(loadConfig({}));

  it('is a valid AsyncAPI 3.0.0 document', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.validate(JSON.parse(readFileSync(META_SCHEMA, 'utf-8')), document);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is the one committed beside the OpenAPI document (npm run api:generate)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../libs/contracts/asyncapi.json'), 'utf-8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('names the three topics and refuses what the connector refuses', () => {
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(['allocine.reviews.v1', 'allocine.sentiments.v1', 'allocine.reviews.v1.dlq']);
    const ajv = new Ajv({ strict: false });
    const review = ajv.compile(document.components.messages.review.payload);
    expect(review({ id: 'a', text: 'Superbe', metadata: { site: 'x' } })).toBe(true);
    expect(review({ id: 'a' })).toBe(false);
    expect(review({ id: 'a', text: 'Bien', extra: 1 })).toBe(false);
  });
});
