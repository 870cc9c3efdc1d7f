import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';

import { AppModule } from '../app.module';
import { usePrefix } from '../bootstrap';
import { AppConfig } from '../config/app-config';
import { openApiDocument } from '../openapi/openapi';

/**
 * The OpenAPI document the API would serve with `config`, built without connecting to anything: Nest's preview
 * mode reads the module graph and the controllers' metadata but creates no provider.
 */
export async function previewDocument(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  usePrefix(app);
  try {
    return openApiDocument(app, config);
  } finally {
    await app.close();
  }
}
