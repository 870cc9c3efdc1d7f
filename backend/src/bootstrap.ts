import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';

import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { allowedMethods } from './openapi/allowed-methods';
import { openApiDocument } from './openapi/openapi';
import { AccessGuard } from './access/access.guard';
import { acceptedKeys } from './access/key-ring';
import { middlewareErrorHandler, sendError } from './common/http-exception.filter';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { tracingMiddleware } from './tracing/tracing.middleware';

export const API_PREFIX = 'api/v1';

/** Build the application with everything main.ts and the tests share (not yet listening). */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  // Every Nest log line through pino (JSON, with the request's id where there is a request).
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  // Only these proxies' X-Forwarded-For names the client (rate limits are per client address).
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(tracingMiddleware);
  app.use(helmet({ contentSecurityPolicy: false }));
  app.enableCors({ origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false });
  // No body parser here: bodies are read after the key check and the rate limit (body/json-body.interceptor.ts).
  app.use(middlewareErrorHandler);
  usePrefix(app);
  protectDocs(app, config);
  const document = openApiDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  // Registered before Nest's routes (they are added at init): 405 with Allow for a documented path's other methods.
  app.use(allowedMethods(document));
  return app;
}

/** The original app's routes (compat/, COMPAT_API=true) stay where its clients call them. */
const ORIGINAL_API_ROUTES = [
  { path: 'predict', method: RequestMethod.POST },
  { path: 'predict_batch', method: RequestMethod.POST },
  { path: 'health', method: RequestMethod.GET },
  { path: 'model_info', method: RequestMethod.GET },
];

/** Every route under /api/v1 but Prometheus's /metrics and the original API's (also used to generate the OpenAPI document). */
export function usePrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'metrics', method: RequestMethod.GET }, ...ORIGINAL_API_ROUTES] });
}

/** DOCS_PUBLIC=false: the Swagger UI, JSON and YAML (plain Express routes, outside Nest's guards) need a key. */
function protectDocs(app: NestExpressApplication, config: AppConfig): void {
  if (config.DOCS_PUBLIC || acceptedKeys(config).length === 0) return;
  const access = app.get(AccessGuard);
  app.use(['/api/docs', '/api/docs-json', '/api/docs-yaml'], (request: express.Request, response: express.Response, next: express.NextFunction) => {
    access.admit(request).then(() => next(), (error: unknown) => sendError(request, response, error));
  });
}
