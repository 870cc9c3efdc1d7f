import type { JobState, JobStatus, WebhookDelivery } from '@allocine/contracts';

import { jobLinks } from './job-links';

/** What a job's status is made of, wherever the job is kept (Redis while live, the history after). */
export interface JobStatusParts {
  id: string;
  state: JobState;
  total: number;
  counts: { done: number; failed: number; positive: number; negative: number };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  webhook?: WebhookDelivery | null;
}

/** The one place a JobStatus is assembled: GET /jobs/{id}, its event stream and its callback all answer with it. */
export function jobStatus(parts: JobStatusParts): JobStatus {
  const { id, counts } = parts;
  return {
    id,
    state: parts.state,
    progress: { done: counts.done, total: parts.total, failed: counts.failed },
    createdAt: parts.createdAt,
    startedAt: parts.startedAt,
    finishedAt: parts.finishedAt,
    expiresAt: parts.expiresAt,
    summary: { positive: counts.positive, negative: counts.negative, errors: counts.failed },
    links: jobLinks(id),
    ...(parts.webhook ? { webhook: parts.webhook } : {}),
  };
}
