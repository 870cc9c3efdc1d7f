import { z } from 'zod';

import { invalidRequest } from '../common/api-errors';
import { toDetails } from './schemas';

/** Validate `input` or throw the API's 400 error with one detail per problem. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  // reportInput: a missing field (required) is told from one of the wrong type; inputs never leave toDetails.
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw invalidRequest(`Invalid ${what}`, toDetails(parsed.error));
  return parsed.data;
}
