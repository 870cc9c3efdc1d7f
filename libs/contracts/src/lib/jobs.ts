/** Batch jobs: `POST /api/v1/jobs`, `GET /api/v1/jobs/:id`, results, cancellation and callbacks. */
import type { Schema } from './schemas';

export type JobState = Schema<'JobState'>;
export type CreateJobRequest = Schema<'CreateJobRequest'>;
export type JobReviewInput = CreateJobRequest['reviews'][number];
export type JobStatus = Schema<'JobStatus'>;
export type JobLinks = JobStatus['links'];
export type JobProgress = JobStatus['progress'];
export type JobSummary = JobStatus['summary'];
export type JobResultRow = Schema<'JobResultRow'>;
export type JobResultStatus = JobResultRow['status'];
export type JobResultsPage = Schema<'JobResultsPage'>;
/** `pending` until an attempt gets a 2xx (`delivered`) or the attempts run out (`failed`). */
export type WebhookDelivery = Schema<'WebhookDelivery'>;
export type WebhookState = WebhookDelivery['state'];
export type WebhookAttempt = Schema<'WebhookAttempt'>;
/** The body POSTed to a callbackUrl (signed: see GET /api/v1/webhooks/secret). */
export type WebhookPayload = Schema<'WebhookPayload'>;
