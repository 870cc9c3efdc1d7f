import { Injectable, inject } from '@angular/core';
import type { HistoryItem, HistoryPage, JobList, StatsResponse } from '@allocine/contracts';
import { EMPTY, Observable, expand, map, reduce } from 'rxjs';

import { ApiClient } from './api-client';

export interface HistoryFilter {
  label?: 'positive' | 'negative';
  q?: string;
  source?: 'single' | 'job' | 'stream';
  from?: string;
}

/** Rows one export may gather, page after page. */
const EXPORT_MAX = 10_000;

/** The server's history: `/api/v1/predictions` (GET), `/api/v1/stats`, `/api/v1/jobs` (GET). */
@Injectable({ providedIn: 'root' })
export class HistoryApi {
  private readonly api = inject(ApiClient);

  page(filter: HistoryFilter, cursor: string | null = null, limit = 50): Observable<HistoryPage> {
    return this.api.get('/api/v1/predictions', { query: { ...filter, limit, ...(cursor ? { cursor } : {}) } });
  }

  /** Every row matching the filter, up to 10,000, for an export. */
  all(filter: HistoryFilter): Observable<HistoryItem[]> {
    return this.page(filter, null, 500).pipe(
      expand((page) => (page.nextCursor ? this.page(filter, page.nextCursor, 500) : EMPTY)),
      map((page) => page.items),
      reduce((all, items) => all.concat(items), [] as HistoryItem[]),
      map((items) => items.slice(0, EXPORT_MAX)),
    );
  }

  stats(bucket: 'hour' | 'day', from: string): Observable<StatsResponse> {
    return this.api.get('/api/v1/stats', { query: { bucket, from } });
  }

  jobs(cursor: string | null = null): Observable<JobList> {
    return this.api.get('/api/v1/jobs', { query: cursor ? { cursor } : {} });
  }
}

/** History rows as CSV (RFC 4180, formula-looking cells escaped as the API's own exports do). */
export function historyToCsv(items: HistoryItem[]): string {
  const header = ['date', 'source', 'lot', 'flux', 'id', 'sentiment', 'confiance', 'incertain', 'latence_ms', 'modele', 'texte'];
  const rows = items.map((item) => [
    item.createdAt,
    item.source,
    item.jobId ?? '',
    // A streamed review's message: topic:partition:offset.
    item.stream ? `${item.stream.topic}:${item.stream.partition}:${item.stream.offset}` : '',
    item.reviewId ?? '',
    item.label,
    item.score.toFixed(4),
    item.uncertain ? 'oui' : 'non',
    item.latencyMs === null ? '' : String(item.latencyMs),
    `${item.model} ${item.version}`,
    item.text ?? '',
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
