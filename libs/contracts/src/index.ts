export * from './lib/predictions';
export * from './lib/jobs';
export * from './lib/health';
export * from './lib/errors';
export * from './lib/history';
export * from './lib/feedback';
export * from './lib/drift';
export * from './lib/schemas';
export type { paths, components } from './lib/api.generated';
