import { Injectable, inject } from '@angular/core';
import type { Correction } from '@allocine/contracts';
import { Observable } from 'rxjs';

import { ApiClient } from './api-client';

/** Reviewers' corrections: `POST /api/v1/predictions/{predictionId}/feedback`, and their export. */
@Injectable({ providedIn: 'root' })
export class FeedbackApi {
  private readonly api = inject(ApiClient);

  correct(predictionId: string, label: 'positive' | 'negative'): Observable<Correction> {
    return this.api.post('/api/v1/predictions/{predictionId}/feedback', { label }, { path: { predictionId } });
  }

  /** Every correction the key can see, as the API's CSV (a link the browser downloads). */
  exportUrl(): string {
    return this.api.url('/api/v1/feedback', { query: { format: 'csv' } });
  }
}
