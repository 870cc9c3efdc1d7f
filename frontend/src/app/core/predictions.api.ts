import { Injectable, inject } from '@angular/core';
import type { ModelInfo, PredictionResult } from '@allocine/contracts';
import { Observable, map } from 'rxjs';

import { ApiClient } from './api-client';

/** `/api/v1/predictions` and `/api/v1/model`. */
@Injectable({ providedIn: 'root' })
export class PredictionsApi {
  private readonly api = inject(ApiClient);

  /** One review, with the words that pushed the decision (`explanation`) when the model can say. */
  predict(text: string): Observable<PredictionResult> {
    // The route answers {results} for {"texts"}; one text answers one result.
    return this.api.post('/api/v1/predictions', { text, explain: true }).pipe(map((answer) => answer as PredictionResult));
  }

  model(): Observable<ModelInfo> {
    return this.api.get('/api/v1/model');
  }
}
