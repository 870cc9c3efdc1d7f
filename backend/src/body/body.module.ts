import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { JsonBodyInterceptor } from './json-body.interceptor';

/** Request bodies are read here, after the guards (see JsonBodyInterceptor). */
@Module({ providers: [{ provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor }] })
export class BodyModule {}
