import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ModelInfo, PredictionResult } from '@allocine/contracts';
import { Observable } from 'rxjs';

/** `/api/v1/predictions` and `/api/v1/model`. */
@Injectable({ providedIn: 'root' })
export class PredictionsApi {
  private readonly http = inject(HttpClient);

  /** One review, with the words that pushed the decision (`explanation`) when the model can say. */
  predict(text: string): Observable<PredictionResult> {
    return this.http.post<PredictionResult>('/api/v1/predictions', { text, explain: true });
  }

  model(): Observable<ModelInfo> {
    return this.http.get<ModelInfo>('/api/v1/model');
  }
}
