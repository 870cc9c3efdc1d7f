import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import {
  Body,
  applyDecorators,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { JobList, JobStatus } from '@allocine/contracts';
import type { Request, Response } from 'express';

import { CurrentCaller } from '../access/current-caller.decorator';
import { ApiError } from '../common/api-errors';
import { PerClientSlots } from '../common/per-client-slots';
import type { Caller } from '../access/key-ring';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiQueryFrom, requestJsonSchema } from '../openapi/openapi';
import { ref } from '../openapi/schema-ref';
import { jobListQuery } from '../history/history-queries';
import { RequestId } from '../logging/request-id';
import { parseOrThrow } from '../validation/parse';
import { createJobRequest, csvUploadForm, idempotencyKeyHeader, resultsQuery } from '../validation/schemas';
import { UTF8_BOM, rowsToCsv } from './csv';
import { reviewsFromCsv } from './csv-upload';
import { JobChanges } from './job-changes';
import { JobControl } from './job-control';
import { streamJobEvents } from './job-events';
import { JobIntake } from './job-intake';
import { JobReader } from './job-reader';

const uuid = new ParseUUIDPipe({ version: '4' });

/** What `uuid` accepts, for the document: schemathesis and clients then know any other id is a 400. */
const JOB_ID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';

/** A route under /jobs/{id}: the id's form, and the 400 for any other (`also` names what else is refused). */
const ApiJobId = (also = '') =>
  applyDecorators(
    ApiParam({ name: 'id', schema: { type: 'string', pattern: JOB_ID_PATTERN }, description: 'The job id POST /jobs gave (a UUID v4)' }),
    ApiResponse({ status: 400, description: `The id is not a UUID v4${also}` }),
  );

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  /** Open progress streams per client: each holds a socket and reads the job twice a second. */
  private readonly streams: PerClientSlots;

  constructor(
    private readonly intake: JobIntake,
    private readonly reader: JobReader,
    private readonly control: JobControl,
    private readonly changes: JobChanges,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.streams = new PerClientSlots(config.MAX_EVENT_STREAMS_PER_CLIENT);
  }

  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Submit a batch job: JSON {"reviews": [...]} or a multipart CSV upload',
    description: 'The job is accepted whole or refused whole (400 lists the first problems). Poll the returned links.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: ref('CreateJobRequest'), description: 'Reviews as JSON (CreateJobRequest), or a CSV file as multipart (CsvUpload)' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: requestJsonSchema(idempotencyKeyHeader),
    description: 'Retry-safe creation: the same key with the same body returns the first job (Idempotent-Replayed: true); with another body, 422',
  })
  @ApiResponse({
    status: 202,
    description: 'Accepted; poll the Location (links.self)',
    schema: ref('JobStatus'),
    headers: { Location: { description: 'The job: /api/v1/jobs/{id}', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 409, description: 'The job this Idempotency-Key created was since deleted or has expired: use a new key' })
  @ApiResponse({ status: 422, description: 'Idempotency-Key already used with another body' })
  @ApiResponse({ status: 400, description: 'Invalid reviews or CSV' })
  @ApiResponse({ status: 413, description: 'Body or file over the limit' })
  @ApiResponse({ status: 415, description: 'A body that is neither JSON nor a multipart upload, or compressed (Content-Encoding)' })
  @ApiResponse({ status: 429, description: 'Too many unfinished jobs for this client, or too many requests (Retry-After)' })
  @ApiResponse({ status: 503, description: 'Queue unavailable or overloaded (Retry-After)' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) response: Response,
    @UploadedFile() file?: Express.Multer.File,
  ): Promise<JobStatus> {
    const key = idempotencyKey === undefined ? undefined : parseOrThrow(idempotencyKeyHeader, idempotencyKey, 'Idempotency-Key header');
    const limits = { maxRows: this.config.MAX_REVIEWS_PER_JOB, maxTextChars: this.config.MAX_TEXT_CHARS };
    let input = body;
    if (file) {
      const form = parseOrThrow(csvUploadForm, body ?? {}, 'CSV upload fields');
      const fromForm = { ...(form.name ? { name: form.name } : {}), ...(form.callbackUrl ? { callbackUrl: form.callbackUrl } : {}) };
      input = { reviews: await reviewsFromCsv(file.buffer, form, limits), ...fromForm };
    }
    const request = parseOrThrow(createJobRequest(this.config), input, file ? 'CSV rows' : 'job request');
    const details = { name: request.name, metadata: request.metadata, callbackUrl: request.callbackUrl, requestId };
    const { job, replayed } = await this.intake.create(caller, request.reviews, details, key);
    response.setHeader('Location', job.links.self);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return job;
  }

  @Get()
  @ApiOperation({ summary: "The caller's jobs, newest first, from the history (they outlive the results' retention)" })
  @ApiQueryFrom(jobListQuery)
  @ApiResponse({ status: 200, schema: ref('JobList') })
  @ApiResponse({ status: 400, description: 'A cursor this API did not write, a limit out of range, or an unknown parameter' })
  @ApiResponse({ status: 503, description: 'History off or its database unreachable (Retry-After)' })
  list(@CurrentCaller() caller: Caller, @Query() query: Record<string, string>): Promise<JobList> {
    const { cursor, limit } = parseOrThrow(jobListQuery, query, 'job list query');
    return this.reader.list(caller.owner, cursor, limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Job state, progress and summary' })
  @ApiJobId()
  @ApiResponse({ status: 200, schema: ref('JobStatus') })
  @ApiResponse({ status: 404, description: 'Unknown or expired job' })
  async status(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string): Promise<JobStatus> {
    return (await this.reader.find(caller.owner, id)).status();
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Live progress as Server-Sent Events: "progress" events (the job status) at each change, then one "end" event',
    description: 'text/event-stream; reconnecting starts again from the current status. Falls back to polling GET /jobs/{id} where SSE cannot pass.',
  })
  @ApiProduces('text/event-stream')
  @ApiJobId()
  @ApiResponse({ status: 200, description: 'event: progress / event: end, data: the job status (as GET /jobs/{id})' })
  @ApiResponse({ status: 404, description: 'Unknown or expired job' })
  @ApiResponse({
    status: 429,
    description: 'Too many requests, too many wrong keys from this address, or too many event streams open for this client (Retry-After)',
  })
  async events(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const release = this.streams.take(caller.client);
    if (!release) {
      const limit = this.config.MAX_EVENT_STREAMS_PER_CLIENT;
      throw new ApiError('rate-limited', `At most ${limit} event streams open at once per client; close one (or poll GET /jobs/{id})`, undefined, 5);
    }
    try {
      const status = async () => (await this.reader.find(caller.owner, id)).status();
      await streamJobEvents(request, response, status, this.changes.follow(id));
    } finally {
      release();
    }
  }

  @Get(':id/results')
  @ApiOperation({
    summary:
      'Results in your order, paginated; ?format=csv (or Accept: text/csv) streams all of them as CSV, ' +
      '?format=excel as CSV for French Excel (UTF-8 BOM, ";" between fields, decimal comma)',
  })
  @ApiQueryFrom(resultsQuery)
  @ApiProduces('application/json', 'text/csv')
  @ApiJobId(', or the offset, limit or format is out of range')
  @ApiResponse({ status: 200, schema: ref('JobResultsPage') })
  @ApiResponse({ status: 404, description: 'Unknown or expired job' })
  async results(
    @CurrentCaller() caller: Caller,
    @Param('id', uuid) id: string,
    @Query() query: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { offset, limit, format } = parseOrThrow(resultsQuery, query, 'query');
    const dialect = format === 'excel' ? 'excel' : 'csv';
    const wantsCsv = format === 'csv' || format === 'excel' || (format === undefined && /text\/csv/.test(accept ?? ''));
    if (!wantsCsv) {
      response.json(await this.reader.page(caller.owner, id, offset, limit));
      return;
    }
    const pages = this.reader.allRows(caller.owner, id);
    const first = await pages.next(); // 404 here, before any header is sent
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="allocine-sentiment-${id}.csv"`);
    async function* csvText(): AsyncGenerator<string> {
      if (dialect === 'excel') yield UTF8_BOM;
      yield rowsToCsv(first.done ? [] : first.value, true, dialect);
      for await (const rows of pages) yield rowsToCsv(rows, false, dialect);
    }
    // pipeline waits for a slow reader before the next page is read from Redis, so an export never piles up in
    // the API's memory; a reader who leaves stops the reading. Once headers are sent, a failure can only cut it.
    await pipeline(Readable.from(csvText()), response).catch(() => response.destroy());
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running job: what it finished is kept and readable, its callback is sent' })
  @ApiJobId()
  @ApiResponse({ status: 200, description: 'Cancelled', schema: ref('JobStatus') })
  @ApiResponse({ status: 404, description: 'Unknown, deleted or expired job' })
  @ApiResponse({ status: 409, description: 'The job has already finished (completed, failed or cancelled)' })
  cancel(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string): Promise<JobStatus> {
    return this.control.cancel(caller.owner, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job with its results and history; an unfinished one is stopped first' })
  @ApiJobId()
  @ApiResponse({ status: 204, description: 'Deleted: the job, its results and its history are gone' })
  @ApiResponse({ status: 404, description: 'Unknown, deleted or expired job' })
  async remove(@CurrentCaller() caller: Caller, @Param('id', uuid) id: string): Promise<void> {
    await this.control.remove(caller.owner, id);
  }
}
