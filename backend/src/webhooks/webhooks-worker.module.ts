import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { JobStoreModule } from '../jobs/job-store.module';
import { WEBHOOK_QUEUE } from '../queue/queue.constants';
import { WebhookProcessor } from './webhook.processor';

/** The callbacks' worker side: signed deliveries with retries (WebhookProcessor). */
@Module({
  imports: [BullModule.registerQueue({ name: WEBHOOK_QUEUE }), JobStoreModule],
  providers: [WebhookProcessor],
})
export class WebhooksWorkerModule {}
