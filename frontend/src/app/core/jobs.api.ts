import { Injectable, inject } from '@angular/core';
import type { JobResultRow, JobResultsPage, JobReviewInput, JobStatus } from '@allocine/contracts';
import { Observable, expand, map, reduce, EMPTY } from 'rxjs';

import { ApiClient } from './api-client';

const PAGE = 1000;

export type JobSubmission =
  | { reviews: JobReviewInput[] }
  | { file: File; textColumn: string; idColumn: string; delimiter?: string };

/** `/api/v1/jobs`: submit, poll, read results, cancel. */
@Injectable({ providedIn: 'root' })
export class JobsApi {
  private readonly api = inject(ApiClient);

  /**
   * Pasted reviews go as JSON; a CSV file goes as it is, multipart, so its size is bounded by the API's file
   * limit and not by the JSON body limit (the API parses it, in UTF-8 or Windows-1252).
   */
  create(submission: JobSubmission): Observable<JobStatus> {
    if ('reviews' in submission) return this.api.post('/api/v1/jobs', { reviews: submission.reviews });
    const form = new FormData();
    form.append('file', submission.file, submission.file.name);
    form.append('textColumn', submission.textColumn);
    if (submission.idColumn) form.append('idColumn', submission.idColumn);
    if (submission.delimiter) form.append('delimiter', submission.delimiter);
    form.append('name', submission.file.name);
    return this.api.post('/api/v1/jobs', form);
  }

  status(id: string): Observable<JobStatus> {
    return this.api.get('/api/v1/jobs/{id}', { path: { id } });
  }

  cancel(id: string): Observable<JobStatus> {
    return this.api.post('/api/v1/jobs/{id}/cancel', undefined, { path: { id } });
  }

  page(id: string, offset: number, limit = PAGE): Observable<JobResultsPage> {
    return this.api.get('/api/v1/jobs/{id}/results', { path: { id }, query: { offset, limit } });
  }

  /** Every row, page after page (a job holds at most 10,000). */
  allRows(id: string): Observable<JobResultRow[]> {
    return this.page(id, 0).pipe(
      expand((page) => (page.offset + page.limit < page.total ? this.page(id, page.offset + page.limit) : EMPTY)),
      map((page) => page.items),
      reduce((all, items) => all.concat(items), [] as JobResultRow[]),
    );
  }

  /** `csv`: standard CSV; `excel`: for French Excel (UTF-8 BOM, ";" between fields, decimal comma). */
  csvUrl(id: string, dialect: 'csv' | 'excel' = 'csv'): string {
    return this.api.url('/api/v1/jobs/{id}/results', { path: { id }, query: { format: dialect } });
  }
}
