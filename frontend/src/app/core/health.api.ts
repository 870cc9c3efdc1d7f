import { HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { DriftReport, HealthReport, Problem } from '@allocine/contracts';
import { Observable, catchError, of, throwError } from 'rxjs';

import { ApiClient } from './api-client';

/** `/api/v1/health/ready` (a 503 (a `not-ready` problem) still carries the per-component report in `checks`,
 * so it is a result, not an error. */
@Injectable({ providedIn: 'root' })
export class HealthApi {
  private readonly api = inject(ApiClient);

  ready(): Observable<HealthReport> {
    return this.api.get('/api/v1/health/ready').pipe(
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status === 503 && error.error?.checks
          ? of(notReady(error.error as Problem))
          : throwError(() => error),
      ),
    );
  }

  /** `/api/v1/drift`: live traffic per hour against the model's baseline. */
  drift(hours = 24): Observable<DriftReport> {
    return this.api.get('/api/v1/drift', { query: { hours } });
  }
}

function notReady(problem: Problem): HealthReport {
  const details = problem.checks as HealthReport['details'];
  const down = Object.fromEntries(Object.entries(details).filter(([, component]) => component.status === 'down'));
  return { status: 'error', error: down, details };
}
