import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { HealthReport } from '@allocine/contracts';
import { Observable, catchError, of, throwError } from 'rxjs';

/** `/api/v1/health/ready`: a 503 still carries the per-component report, so it is a result, not an error. */
@Injectable({ providedIn: 'root' })
export class HealthApi {
  private readonly http = inject(HttpClient);

  ready(): Observable<HealthReport> {
    return this.http.get<HealthReport>('/api/v1/health/ready').pipe(
      catchError((error: unknown) =>
        error instanceof HttpErrorResponse && error.status === 503 && error.error?.details
          ? of(error.error as HealthReport)
          : throwError(() => error),
      ),
    );
  }
}
