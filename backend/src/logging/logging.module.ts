import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';

import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { LogFn, Logger } from 'pino';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

/** `POST /api/v1/jobs 202`: the path without its query (history searches are words of reviews). */
const describe = (request: IncomingMessage, response: ServerResponse) => `${request.method} ${(request.url ?? '').split('?')[0]} ${response.statusCode}`;

// Probes and scrapes every few seconds would drown the log: they are not logged when they succeed.
const QUIET = /^\/(api\/v1\/health\/|metrics)/;

// Nest's start-up chatter (a line per module loaded and per route mapped): debug, not info, so that `npm start`
// shows the summary and the warnings; LOG_LEVEL=debug brings it back.
const FRAMEWORK_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);
const INFO = 30;

/**
 * Structured logs (pino, one JSON object per line): every request gets an id (its X-Request-Id, or a new
 * one, returned in the response) that each log line of the request carries as `requestId`, and that jobs carry
 * to the workers and the model server. Keys are redacted; bodies — review texts — are never logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL ?? (config.NODE_ENV === 'test' ? 'warn' : 'info'),
          // The process (pod name in Kubernetes) and its role on every line; ISO times for people and collectors alike.
          base: { role: config.APP_ROLE, hostname: hostname(), pid: process.pid },
          timestamp: stdTimeFunctions.isoTime,
          ...(config.LOG_FORMAT === 'pretty' ? { transport: { target: 'pino-pretty', options: { singleLine: true, messageFormat: '{if context}{context}: {end}{msg}', ignore: 'pid,hostname,role,context,req,res,err' } } } : {}),
          genReqId: (request: IncomingMessage, response: ServerResponse) => {
            const id = requestIdFrom(request.headers[REQUEST_ID_HEADER.toLowerCase()]);
            response.setHeader(REQUEST_ID_HEADER, id);
            return id;
          },
          customProps: (request: IncomingMessage) => ({ requestId: (request as IncomingMessage & { id: string }).id }),
          // A 5xx is an error and a 4xx a warning; the HTTP status is the story (pino-http's made-up stack is not).
          customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
            error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
          customSuccessMessage: (request: IncomingMessage, response: ServerResponse) => describe(request, response),
          customErrorMessage: (request: IncomingMessage, response: ServerResponse) => describe(request, response),
          autoLogging: { ignore: (request: IncomingMessage) => QUIET.test(request.url ?? '') && request.method === 'GET' },
          // The path without its query (history searches are words of reviews), method, and status: no headers.
          serializers: {
            req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }),
            res: (response: { statusCode: number }) => ({ status: response.statusCode }),
            err: (error: Error) => ({ type: error.name, message: error.message }),
          },
          redact: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie'],
          hooks: {
            logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) {
              const context = (args[0] as { context?: unknown } | undefined)?.context;
              if (level === INFO && typeof context === 'string' && FRAMEWORK_CHATTER.has(context)) return this.debug(...args);
              return method.apply(this, args);
            },
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
