import type { JobStatus } from '@allocine/contracts';

const API = '/api/v1/jobs';

/** Where a job's status and results are read: in its status, its Location header and its callback. */
export function jobLinks(id: string): JobStatus['links'] {
  return { self: `${API}/${id}`, results: `${API}/${id}/results`, csv: `${API}/${id}/results?format=csv` };
}
