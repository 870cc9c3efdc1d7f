import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { notFound } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ref } from '../openapi/schema-ref';
import { SIGNATURE_HEADERS, signingSecretFor } from './signature';

/** The caller's signing secret, to verify the callbacks of its jobs. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('secret')
  @ApiOperation({
    summary: "This API key's secret for verifying job callbacks (Standard Webhooks signatures)",
    description: [
      'A job created with `callbackUrl` is POSTed there once it has finished (completed, failed or cancelled):',
      '`{"type": "job.completed", "timestamp", "data": <the job status>}`, with headers `webhook-id` (the same on every',
      'attempt: deduplicate on it), `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256',
      'of "{webhook-id}.{webhook-timestamp}.{body}" keyed with the base64 part of this secret>`. Refuse timestamps more',
      'than 5 minutes from your clock. Any 2xx is a delivery; anything else is retried with backoff, each attempt listed',
      'in the job status (`webhook.attempts`). Redirects are not followed.',
    ].join(' '),
  })
  @ApiResponse({ status: 200, schema: ref('WebhookSecret') })
  @ApiResponse({ status: 404, description: 'Webhooks are off on this server (no WEBHOOK_SECRET)' })
  secret(@CurrentCaller() caller: Caller) {
    if (!this.config.WEBHOOK_SECRET) throw notFound('Webhooks are off on this server (the operator has not set WEBHOOK_SECRET)');
    return { secret: signingSecretFor(this.config.WEBHOOK_SECRET, caller.owner), scheme: 'standard-webhooks-v1', headers: SIGNATURE_HEADERS };
  }
}
