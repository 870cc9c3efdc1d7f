import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ModelEventList, ModelVersionList, ShadowReport } from '@allocine/contracts';

import { AdminOnly } from '../access/admin-only.guard';
import { CurrentCaller } from '../access/current-caller.decorator';
import type { Caller } from '../access/key-ring';
import { invalidRequest, notFound } from '../common/api-errors';
import { ModelLifecycleState } from '../model-state/lifecycle-state';
import { requestJsonSchema } from '../openapi/openapi';
import { ref } from '../openapi/schema-ref';
import { parseOrThrow } from '../validation/parse';
import { ModelEventsRepository } from './model-events.repository';
import { ModelLifecycle } from './model-lifecycle.service';
import { VERSION_PATTERN, shadowRequest } from './models-queries';
import { ShadowReporter } from './shadow-report';

const versionPattern = new RegExp(VERSION_PATTERN);
const EVENTS_SHOWN = 200;

const checkedVersion = (version: string): string => {
  if (versionPattern.test(version)) return version;
  throw invalidRequest('Invalid model version', [{ path: 'version', message: 'a version as GET /api/v1/models lists it (1.1, camembert-r1)', code: 'invalid' }]);
};

const VersionParam = () => ApiParam({ name: 'version', schema: { type: 'string', pattern: VERSION_PATTERN }, description: 'A registered version (GET /api/v1/models)' });
const AdminAnswers = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  ApiResponse({ status: 401, description: 'Keys are on and none (or a wrong one) was sent' })(target, key, descriptor);
  ApiResponse({ status: 403, description: 'A client key: model operations need an admin key (ADMIN_KEYS)' })(target, key, descriptor);
  ApiResponse({ status: 503, description: 'Redis, the model server\'s management API or the audit log (history database) unreachable (Retry-After)' })(target, key, descriptor);
};

/** Model versions: listed for everyone; shadowed, promoted and rolled back by admin keys (docs/model-lifecycle.md). */
@ApiTags('models')
@Controller('models')
export class ModelsController {
  constructor(
    private readonly lifecycle: ModelLifecycle,
    private readonly state: ModelLifecycleState,
    private readonly shadowReport: ShadowReporter,
    private readonly events: ModelEventsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Registered model versions with their cards; which is live, which was (rollback), which is in shadow' })
  @ApiResponse({ status: 200, schema: ref('ModelVersionList') })
  @ApiResponse({ status: 503, description: 'Redis unavailable (Retry-After)' })
  list(): Promise<ModelVersionList> {
    return this.lifecycle.list();
  }

  @Get('shadow')
  @ApiOperation({ summary: 'The shadow run: agreement with the live version, both confidence distributions, accuracy on reviews corrected since it began' })
  @ApiResponse({ status: 200, schema: ref('ShadowReport') })
  @ApiResponse({ status: 404, description: 'No version is in shadow' })
  @ApiResponse({ status: 503, description: 'Redis or the history database unavailable (Retry-After)' })
  async shadow(): Promise<ShadowReport> {
    const report = await this.shadowReport.report(await this.state.read());
    if (!report) throw notFound('No version is in shadow: POST /api/v1/models/{version}/shadow starts one');
    return report;
  }

  @Get('events')
  @ApiOperation({ summary: `The audit log of model operations (who, when, which versions), newest first, the last ${EVENTS_SHOWN}` })
  @ApiResponse({ status: 200, schema: ref('ModelEventList') })
  @ApiResponse({ status: 503, description: 'History database unavailable (Retry-After)' })
  async auditLog(): Promise<ModelEventList> {
    return { items: await this.events.list(EVENTS_SHOWN) };
  }

  @Post(':version/shadow')
  @HttpCode(200)
  @UseGuards(AdminOnly)
  @ApiOperation({ summary: 'Put a version in shadow: a share of live reviews is copied to it off the request path, and compared' })
  @VersionParam()
  @ApiBody({ schema: requestJsonSchema(shadowRequest) })
  @ApiResponse({ status: 200, schema: ref('ModelVersionList') })
  @ApiResponse({ status: 400, description: 'Not a version, or percent not a whole number from 1 to 100' })
  @ApiResponse({ status: 404, description: 'No such version' })
  @ApiResponse({ status: 409, description: 'The version is live, did not pass the gate, its archive is missing, or another operation is running' })
  @ApiResponse({ status: 415, description: 'A body that is not JSON, or compressed (Content-Encoding)' })
  @AdminAnswers()
  startShadow(@CurrentCaller() caller: Caller, @Param('version') version: string, @Body() body: unknown): Promise<ModelVersionList> {
    const { percent } = parseOrThrow(shadowRequest, body, 'shadow');
    return this.lifecycle.shadow(caller, checkedVersion(version), percent);
  }

  @Delete('shadow')
  @HttpCode(200)
  @UseGuards(AdminOnly)
  @ApiOperation({ summary: 'Stop the shadow run (its report stays readable until another starts)' })
  @ApiResponse({ status: 200, schema: ref('ModelVersionList') })
  @ApiResponse({ status: 409, description: 'No version is in shadow, or another operation is running' })
  @AdminAnswers()
  stopShadow(@CurrentCaller() caller: Caller): Promise<ModelVersionList> {
    return this.lifecycle.stopShadow(caller);
  }

  @Post(':version/promote')
  @HttpCode(200)
  @UseGuards(AdminOnly)
  @ApiOperation({
    summary: 'Make a version live on both lanes, atomically: no request fails or is dropped, each result names its version; running jobs finish on theirs',
  })
  @VersionParam()
  @ApiResponse({ status: 200, schema: ref('ModelVersionList') })
  @ApiResponse({ status: 400, description: 'Not a version' })
  @ApiResponse({ status: 404, description: 'No such version' })
  @ApiResponse({ status: 409, description: 'Already live, refused by the gate, its archive missing, or another operation is running' })
  @AdminAnswers()
  promote(@CurrentCaller() caller: Caller, @Param('version') version: string): Promise<ModelVersionList> {
    return this.lifecycle.promote(caller, checkedVersion(version));
  }

  @Post('rollback')
  @HttpCode(200)
  @UseGuards(AdminOnly)
  @ApiOperation({ summary: 'Make the previous live version live again, the same way as a promotion' })
  @ApiResponse({ status: 200, schema: ref('ModelVersionList') })
  @ApiResponse({ status: 409, description: 'Nothing to roll back to, or another operation is running' })
  @AdminAnswers()
  rollback(@CurrentCaller() caller: Caller): Promise<ModelVersionList> {
    return this.lifecycle.rollback(caller);
  }
}
