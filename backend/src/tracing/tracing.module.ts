import { Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { flushTracing } from './tracing';
import { TracingInterceptor } from './tracing.middleware';

/** Handlers run in their request's span; spans still buffered are sent when the process stops. */
@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: TracingInterceptor }] })
export class TracingModule implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}
