import { Module } from '@nestjs/common';

import { WebhooksController } from './webhooks.controller';

/** The API's side of job callbacks (delivery runs in the workers: WebhookProcessor). */
@Module({ controllers: [WebhooksController] })
export class WebhooksModule {}
