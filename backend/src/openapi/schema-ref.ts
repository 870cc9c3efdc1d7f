import type { RESPONSE_SCHEMAS } from './responses';

/** Request bodies documented from the validation schemas (openapi.ts builds them with the configured limits). */
export type RequestSchemaName = 'PredictRequest' | 'PredictManyRequest' | 'CreateJobRequest' | 'CsvUpload' | 'CompatPredictRequest' | 'CompatBatchRequest';
export type SchemaName = keyof typeof RESPONSE_SCHEMAS | RequestSchemaName;

export const COMPONENTS = '#/components/schemas/';

/** A reference to one of the document's schemas, for the controllers' decorators. */
export const ref = (name: SchemaName) => ({ $ref: `${COMPONENTS}${name}` });
