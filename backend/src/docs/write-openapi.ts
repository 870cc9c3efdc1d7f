import { NestFactory } from '@nestjs/core';

import { AppModule } from '../app.module';
import { usePrefix } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { openApiDocument } from './openapi';

/**
 * Prints the OpenAPI document of the default configuration, without connecting to anything: Nest's preview
 * mode reads the module graph and the controllers' metadata but creates no provider. Used by
 * `npm run api:generate` (which writes libs/contracts/openapi.json and the types generated from it).
 */
async function main(): Promise<void> {
  const config = loadConfig({});
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  usePrefix(app);
  process.stdout.write(JSON.stringify(openApiDocument(app, config), null, 2) + '\n');
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
