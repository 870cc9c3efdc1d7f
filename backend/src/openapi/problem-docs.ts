import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_BASE, PROBLEM_CATALOGUE, PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from '../common/problem-types';
import { ref } from './schema-ref';

/** Markdown for the document's description: every problem type, its status and what to do. */
export function problemTypesDescription(): string {
  const rows = PROBLEM_TYPES.map((name) => {
    const { status, title, description } = PROBLEM_CATALOGUE[name];
    return `| \`${PROBLEM_BASE}${name}\` | ${status} | ${title}: ${description.replace(/\|/g, '\\|')} |`;
  });
  return [
    'Every error is an RFC 9457 problem (`application/problem+json`: `type`, `title`, `status`, `detail`, `instance`, and',
    '`errors` per field). `GET` a `type` URI for its description.',
    '',
    '| type | status | meaning |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The one error answer that is not a problem: the original app's /health says "unhealthy" in its own shape. */
const OWN_ERROR_BODIES = new Set([ref('CompatHealth').$ref]);

function answersItsOwnBody(response: { content?: unknown }): boolean {
  const schema = (response.content as Record<string, { schema?: { $ref?: string } }> | undefined)?.['application/json']?.schema;
  return OWN_ERROR_BODIES.has(schema?.$ref ?? '');
}

/**
 * Every documented error response (status ≥ 400) is the one problem schema, as `application/problem+json`;
 * controllers and terminus describe them loosely, this makes the document say what the API sends.
 */
export function asProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { content?: unknown }> }).responses;
      if (!responses) continue;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && !answersItsOwnBody(response)) response.content = { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } };
      }
    }
  }
  return document;
}
