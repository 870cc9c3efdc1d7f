import { Logger } from '@nestjs/common';

import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';
import { startTracing } from './tracing/tracing';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // Refuse to start, naming the variables at fault.
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  startTracing(config);
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  Logger.log(`${config.APP_ROLE} listening on http://${config.HOST}:${config.PORT} (docs at /api/docs)`, 'Bootstrap');
}

void main();
