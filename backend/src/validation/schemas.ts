import { z } from 'zod';

import { AppConfig } from '../config/app-config';

export type Limits = Pick<AppConfig, 'MAX_TEXT_CHARS' | 'MAX_TEXTS_PER_REQUEST' | 'MAX_REVIEWS_PER_JOB'>;

/**
 * C0 control characters other than tab, LF and CR. None belongs in a review, an id or a name, and PostgreSQL
 * refuses NUL outright: accepted, such a text could never reach the history.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export const hasControlCharacter = (value: string): boolean => CONTROL_CHARACTER.test(value);

/** True when no string in a JSON value (keys included) holds a control character. */
function cleanJson(value: unknown): boolean {
  if (typeof value === 'string') return !hasControlCharacter(value);
  if (Array.isArray(value)) return value.every(cleanJson);
  if (value && typeof value === 'object') return Object.entries(value).every(([key, item]) => !hasControlCharacter(key) && cleanJson(item));
  return true;
}

/** The refinement every free-text field gets: refused per field, with its own code. */
const noControlCharacters = (field: string) =>
  [
    (value: string) => !hasControlCharacter(value),
    { message: `${field} contains a control character (U+0000 to U+001F other than tab, line feed and carriage return)`, params: { code: 'control_character' } },
  ] as const;

/** A review text: a string of 1..MAX_TEXT_CHARS characters once surrounding whitespace is trimmed. */
export const reviewText = (limits: Limits) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'text is required' : 'text must be a string') })
    .trim()
    .min(1, 'text is empty')
    .max(limits.MAX_TEXT_CHARS, `text is longer than ${limits.MAX_TEXT_CHARS} characters`)
    .refine(...noControlCharacters('text'));

// Only the "not an object" message is ours; unknown keys keep zod's message, which names them.
const jsonObject = {
  error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? 'expected a JSON object' : undefined),
};

/** The two forms of a prediction request: one review (optionally explained), or up to MAX_TEXTS_PER_REQUEST. */
export function predictRequestForms(limits: Limits) {
  const single = z.strictObject(
    {
      text: reviewText(limits),
      explain: z.boolean({ error: 'explain must be true or false' }).optional().describe('Also say which words pushed the decision, and how much'),
    },
    jsonObject,
  );
  const many = z.strictObject(
    {
      texts: z
        .array(reviewText(limits), { error: 'texts must be an array of strings' })
        .min(1, 'texts is empty')
        .max(limits.MAX_TEXTS_PER_REQUEST, `at most ${limits.MAX_TEXTS_PER_REQUEST} texts per request`),
    },
    jsonObject,
  );
  return { single, many };
}

/**
 * `{"text": ...}` or `{"texts": [...]}`. The body's keys pick the schema, so errors speak about the
 * form the client meant rather than about a failed union. Built once per app, used per request.
 */
export function predictRequestSchemas(limits: Limits) {
  const { single, many } = predictRequestForms(limits);
  return (body: unknown) => (typeof body === 'object' && body !== null && 'texts' in body ? many : single);
}

export const reviewId = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().trim().min(1, 'id is empty').max(200, 'id is longer than 200 characters').refine(...noControlCharacters('id')));

const METADATA_MAX_BYTES = 4_096;

/** A job's optional name and free-form metadata (kept with it in the history). */
export const jobDetails = {
  name: z
    .string()
    .trim()
    .min(1, 'name is empty')
    .max(200, 'name is longer than 200 characters')
    .refine(...noControlCharacters('name'))
    .optional()
    .describe('Shown in job lists'),
  metadata: z
    .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' })
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, `metadata is larger than ${METADATA_MAX_BYTES} bytes as JSON`)
    .refine(cleanJson, {
      message: 'metadata contains a control character (U+0000 to U+001F other than tab, line feed and carriage return)',
      params: { code: 'control_character' },
    })
    .optional()
    .describe(`Yours, kept with the job (at most ${METADATA_MAX_BYTES} bytes as JSON)`),
};

/** Where the finished job is POSTed; the allow-list and address checks come after (they need the settings and DNS). */
export const callbackUrl = z
  .url({ protocol: /^https?$/, error: 'callbackUrl must be an absolute http or https URL' })
  .max(2_000, 'callbackUrl is longer than 2000 characters');

export const createJobRequest = (limits: Limits) =>
  z.strictObject(
    {
      ...jobDetails,
      callbackUrl: callbackUrl
        .optional()
        .describe('POSTed once the job has finished, signed (GET /api/v1/webhooks/secret); the host must be allowed and public'),
      reviews: z
        .array(z.strictObject({ id: reviewId.optional().describe('Yours; defaults to the 1-based position'), text: reviewText(limits) }, jsonObject), {
          error: 'reviews must be an array of {"id"?, "text"} objects',
        })
        .min(1, 'reviews is empty')
        .max(limits.MAX_REVIEWS_PER_JOB, `at most ${limits.MAX_REVIEWS_PER_JOB} reviews per job`),
    },
    jsonObject,
  );

/** The fields of a multipart CSV upload besides its `file` (JSON jobs' name and callbackUrl included). */
export const csvUploadForm = z.object({
  textColumn: z.string().max(200).refine(...noControlCharacters('textColumn')).optional().describe('Column holding the review (default: text, review, texte, avis or critique)'),
  idColumn: z.string().max(200).refine(...noControlCharacters('idColumn')).optional().describe('Optional column holding your ids'),
  delimiter: z.string().min(1).max(1, 'delimiter is one character').optional().describe('Field delimiter (default ",")'),
  name: z.string().refine(...noControlCharacters('name')).optional().describe('Shown in job lists'),
  callbackUrl: z.string().refine(...noControlCharacters('callbackUrl')).optional().describe('As in the JSON form'),
});

/** Printable ASCII, as HTTP headers carry; long enough for a UUID or a client's own request id. */
export const idempotencyKeyHeader = z
  .string()
  .min(1, 'Idempotency-Key is empty')
  .max(255, 'Idempotency-Key is longer than 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces');

export const resultsQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  format: z.enum(['json', 'csv', 'excel']).optional(),
});

/** What is wrong with a field, for clients to word it themselves (the UI says it in French). */
export const FIELD_ERROR_CODES = [
  'required',
  'wrong_type',
  'empty',
  'too_long',
  'too_many',
  'too_small',
  'too_big',
  'unknown_field',
  'invalid_format',
  'not_allowed',
  'duplicate',
  'callback_refused',
  'control_character',
  'invalid',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export interface ValidationDetail {
  path: string;
  message: string;
  code: FieldErrorCode;
  /** The bound a too_long, too_many, too_small or too_big value crossed. */
  limit?: number;
}

const MAX_DETAILS = 20;

/** Zod issues as `[{path, message, code, limit?}]`, at most 20 so a 10,000-line mistake stays readable. */
export function toDetails(error: z.ZodError): ValidationDetail[] {
  return error.issues.slice(0, MAX_DETAILS).map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message, ...codeOf(issue) }));
}

function codeOf(issue: z.core.$ZodIssue): { code: FieldErrorCode; limit?: number } {
  switch (issue.code) {
    case 'invalid_type':
      return { code: issue.input === undefined ? 'required' : 'wrong_type' };
    case 'too_small': {
      const limit = Number(issue.minimum);
      if (issue.origin === 'string' || issue.origin === 'array') return limit <= 1 ? { code: 'empty' } : { code: 'too_small', limit };
      return { code: 'too_small', limit };
    }
    case 'too_big': {
      const limit = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', limit };
      if (issue.origin === 'array') return { code: 'too_many', limit };
      return { code: 'too_big', limit };
    }
    case 'unrecognized_keys':
      return { code: 'unknown_field' };
    case 'invalid_format':
      return { code: 'invalid_format' };
    case 'invalid_value':
    case 'invalid_union':
      return { code: 'not_allowed' };
    case 'custom':
      return issue.params?.code === 'control_character' ? { code: 'control_character' } : { code: 'invalid' };
    default:
      return { code: 'invalid' };
  }
}
