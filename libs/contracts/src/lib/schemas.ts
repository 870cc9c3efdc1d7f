import type { components } from './api.generated';

/** A schema of the OpenAPI document by name (generated from the backend's zod schemas: see api.generated.ts). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
