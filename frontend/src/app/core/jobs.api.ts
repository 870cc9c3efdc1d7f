import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { JobResultRow, JobResultsPage, JobReviewInput, JobStatus } from '@allocine/contracts';
import { Observable, expand, map, reduce, EMPTY } from 'rxjs';

const PAGE = 1000;

/** `/api/v1/jobs`: submit, poll, read results, cancel. */
@Injectable({ providedIn: 'root' })
export class JobsApi {
  private readonly http = inject(HttpClient);

  create(reviews: JobReviewInput[]): Observable<JobStatus> {
    return this.http.post<JobStatus>('/api/v1/jobs', { reviews });
  }

  status(id: string): Observable<JobStatus> {
    return this.http.get<JobStatus>(`/api/v1/jobs/${id}`);
  }

  cancel(id: string): Observable<JobStatus> {
    return this.http.delete<JobStatus>(`/api/v1/jobs/${id}`);
  }

  page(id: string, offset: number, limit = PAGE): Observable<JobResultsPage> {
    const params = new HttpParams().set('offset', offset).set('limit', limit);
    return this.http.get<JobResultsPage>(`/api/v1/jobs/${id}/results`, { params });
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
    return `/api/v1/jobs/${id}/results?format=${dialect}`;
  }
}
