import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';

import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { ModelServerError } from './model-server.errors';
import { ModelDescription, ModelResult } from './model-server.types';

/**
 * The model server's answers, checked against the contract's JSON Schema before the backend believes them: a
 * server that answers something else (another version, a proxy's error page) is a bad response, retried
 * elsewhere or later, never a result shown to a user.
 */
const ajv = new Ajv2020({ strict: false });
ajv.addSchema(MODEL_SERVER_CONTRACT.schema);
const SCHEMA_ID = MODEL_SERVER_CONTRACT.schema.$id as string;
const validator = (definition: string): ValidateFunction => ajv.compile({ $ref: `${SCHEMA_ID}#/$defs/${definition}` });

const isDescription = validator('Description');
const isResult = validator('Result');

export function checkedDescription(body: unknown): ModelDescription {
  if (!isDescription(body)) throw new ModelServerError(`model server's description breaks the contract: ${problem(isDescription)}`, true, 'model-bad-response');
  return body as ModelDescription;
}

/** Exactly one result per review, in order, each a prediction or an item error. */
export function checkedResults(body: unknown, reviews: number): ModelResult[] {
  if (!Array.isArray(body) || body.length !== reviews) {
    throw new ModelServerError(`model server returned ${Array.isArray(body) ? `${body.length} results` : typeof body} for ${reviews} reviews`, true, 'model-bad-response');
  }
  const wrong = body.findIndex((result) => !isResult(result));
  if (wrong >= 0) throw new ModelServerError(`model server's result ${wrong} breaks the contract: ${problem(isResult)}`, true, 'model-bad-response');
  return body as ModelResult[];
}

function problem(validate: ValidateFunction): string {
  const [first] = validate.errors ?? [];
  return first ? `${first.instancePath || 'the body'} ${first.message}` : 'unknown';
}
