export * from './lib/predictions';
export * from './lib/jobs';
export * from './lib/health';
export * from './lib/errors';
export * from './lib/history';
