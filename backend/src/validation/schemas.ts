import { z } from 'zod';

import { AppConfig } from '../config/app-config';

export type Limits = Pick<AppConfig, 'MAX_TEXT_CHARS' | 'MAX_TEXTS_PER_REQUEST' | 'MAX_REVIEWS_PER_JOB'>;

/**
 * C0 control characters other than tab, LF and CR. None belongs in a review, an id or a name, and PostgreSQL
 * refuses NUL outright: accepted, such a text could never reach the history.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export const hasControlCharacter = (value: string): boolean => CONTROL_CHARACTER.test(value);

/** The refinement every free-text field gets: refused per field, with its own code. */
const noControlCharacters = (field: string) =>
  [
    (value: string) => !hasControlCharacter(value),
    { message: `${field} contains a control character (U+0000 to U+001F other than tab, line feed and carriage return)`, params: { code: 'control_character' } },
  ] as const;

/**
 * What `String.prototype.trim` removes (ECMAScript's WhiteSpace and LineTerminator), spelled out as code points so
 * the pattern below means the same to every regex dialect (Python's `\s` and JavaScript's differ).
 */
const TRIMMED = '\\u0009-\\u000d\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const CONTROL = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f';

/**
 * A free text as the OpenAPI document states it: no control character, and at least one character that is not
 * whitespace. The validation below says the same with its own messages; schemas.spec.ts proves they agree.
 */
export const FREE_TEXT_PATTERN = `^[^${CONTROL}]*[^${CONTROL}${TRIMMED}][^${CONTROL}]*$`;

/** Characters as JSON Schema and Python count them: code points (an emoji is one, not two UTF-16 units). */
export const codePoints = (value: string): number => Array.from(value).length;

/** Any UUID, as a pattern source (no i flag: a JSON Schema pattern cannot carry one). */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * A free-text field (review, name, id, search), as sent: at most `max` characters — counted in code points, as
 * JSON Schema's maxLength and Python count them — and no control character; then trimmed, and not empty.
 */
export const freeText = (field: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .refine((value) => codePoints(value) <= max, { message: `${field} is longer than ${max} characters`, params: { code: 'too_long', limit: max } })
    .refine(...noControlCharacters(field))
    .trim()
    .min(1, `${field} is empty`)
    .meta({ maxLength: max, pattern: FREE_TEXT_PATTERN });

/** A review text: 1..MAX_TEXT_CHARS characters, not only whitespace (trimmed), no control character. */
export const reviewText = (limits: Limits) => freeText('text', limits.MAX_TEXT_CHARS);

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

/** The original app's batch limit: /predict_batch takes at most this many texts (fewer if the API's own limit is lower). */
export const COMPAT_MAX_BATCH = 20;

/**
 * The original app's requests (COMPAT_API=true): {"text"} and {"texts"}, texts as the main API checks them.
 * Other fields are ignored, as its Flask API did.
 */
export function compatRequestForms(limits: Limits) {
  const most = Math.min(COMPAT_MAX_BATCH, limits.MAX_TEXTS_PER_REQUEST);
  return {
    single: z.object({ text: reviewText(limits) }, jsonObject),
    batch: z.object(
      {
        texts: z
          .array(reviewText(limits), { error: 'texts must be an array of strings' })
          .min(1, 'texts is empty')
          .max(most, `at most ${most} texts per request`),
      },
      jsonObject,
    ),
  };
}

export const reviewId = z.union([freeText('id', 200), z.number()]).transform(String);

const METADATA_MAX_BYTES = 4_096;

/** A job's optional name and free-form metadata (kept with it in the history). */
export const jobDetails = {
  name: freeText('name', 200)
    .optional()
    .describe('Shown in job lists'),
  metadata: z
    .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' })
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, `metadata is larger than ${METADATA_MAX_BYTES} bytes as JSON`)
    .optional()
    .describe(`Yours, kept with the job (at most ${METADATA_MAX_BYTES} bytes as JSON)`),
};

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PORT = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
/**
 * http(s), a host name whose last label starts with a letter or a dotted IPv4 address, an optional port, then
 * anything without whitespace: no credentials (user:password@), no IPv6 literal. Spelled without the i flag,
 * which a JSON Schema pattern cannot carry, and so that every URL it allows is one WHATWG's URL parser takes.
 */
const CALLBACK_URL = new RegExp(
  `^[hH][tT][tT][pP][sS]?://(?:(?:[A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|(?:${OCTET}\\.){3}${OCTET})(?::${PORT})?(?:[/?#]\\S*)?$`,
);

/** Where the finished job is POSTed; the allow-list and address checks come after (they need the settings and DNS). */
export const callbackUrl = z
  .string()
  .max(2_000, 'callbackUrl is longer than 2000 characters')
  .regex(CALLBACK_URL, 'callbackUrl must be an absolute http or https URL to a host name or IPv4 address, without user:password@')
  // Only once the pattern holds, so a value gets one error, not two.
  .refine((value) => !CALLBACK_URL.test(value) || URL.canParse(value), 'callbackUrl is not a URL');

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

/** A CSV column's name: up to 200 characters, none of them a control character (empty: the default). */
const columnName = (field: string) =>
  z
    .string()
    .refine((value) => codePoints(value) <= 200, { message: `${field} is longer than 200 characters`, params: { code: 'too_long', limit: 200 } })
    .refine(...noControlCharacters(field))
    .meta({ maxLength: 200, pattern: `^[^${CONTROL}]*$` });

/**
 * The fields of a multipart CSV upload besides its `file`; name and callbackUrl as in the JSON form. Strict, so
 * the document says no other field is taken.
 */
export const csvUploadForm = z.strictObject({
  textColumn: columnName('textColumn').optional().describe('Column holding the review (default: text, review, texte, avis or critique)'),
  idColumn: columnName('idColumn').optional().describe('Optional column holding your ids'),
  delimiter: z.string().min(1).max(1, 'delimiter is one character').optional().describe('Field delimiter (default ",")'),
  name: jobDetails.name,
  callbackUrl: callbackUrl.optional().describe('As in the JSON form'),
});

/** Printable ASCII, as HTTP headers carry; long enough for a UUID or a client's own request id. */
export const idempotencyKeyHeader = z
  .string()
  .min(1, 'Idempotency-Key is empty')
  .max(255, 'Idempotency-Key is longer than 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be printable ASCII without spaces');

/**
 * A number in a query string, documented as the number schema it is checked against. z.coerce.number alone
 * would read "" and " " as 0, which the document (a number) does not allow.
 */
export const queryNumber = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value), schema);

export const resultsQuery = z.object({
  offset: queryNumber(z.coerce.number().int().min(0).default(0)),
  limit: queryNumber(z.coerce.number().int().min(1).max(1_000).default(100)),
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
      if (issue.params?.code === 'too_long') return { code: 'too_long', limit: Number(issue.params.limit) };
      return issue.params?.code === 'control_character' ? { code: 'control_character' } : { code: 'invalid' };
    default:
      return { code: 'invalid' };
  }
}
