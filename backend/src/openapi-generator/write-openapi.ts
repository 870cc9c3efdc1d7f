import { loadConfig } from '../config/app-config';
import { previewDocument } from './preview-document';

/**
 * Prints the OpenAPI document of the default configuration, connecting to nothing. Used by
 * `npm run api:generate` (which writes libs/contracts/openapi.json and the types generated from it).
 */
async function main(): Promise<void> {
  process.stdout.write(JSON.stringify(await previewDocument(loadConfig({})), null, 2) + '\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
