import { loadConfig } from '../config/app-config';
import { asyncApiDocument } from './asyncapi-document';

/** Prints the AsyncAPI document of the default configuration (`npm run api:generate` writes libs/contracts/asyncapi.json). */
process.stdout.write(JSON.stringify(asyncApiDocument(loadConfig({})), null, 2) + '\n');
