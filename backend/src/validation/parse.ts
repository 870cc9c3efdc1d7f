import { z } from 'zod';

import { invalidRequest } from '../common/api-errors';
import { toDetails } from './schemas';

/** Validate `input` or throw the API's 400 error with one detail per problem. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidRequest(`Invalid ${what}`, toDetails(parsed.error));
  return parsed.data;
}
