import { Injectable, inject } from '@angular/core';
import type { ModelEventList, ModelVersionList, ShadowReport } from '@allocine/contracts';
import { Observable } from 'rxjs';

import { ApiClient } from './api-client';

/** Model versions (`/api/v1/models`): listed for everyone; shadow, promote and roll back need an admin key. */
@Injectable({ providedIn: 'root' })
export class ModelsApi {
  private readonly api = inject(ApiClient);

  list(): Observable<ModelVersionList> {
    return this.api.get('/api/v1/models');
  }

  shadowReport(): Observable<ShadowReport> {
    return this.api.get('/api/v1/models/shadow');
  }

  events(): Observable<ModelEventList> {
    return this.api.get('/api/v1/models/events');
  }

  shadow(version: string, percent: number): Observable<ModelVersionList> {
    return this.api.post('/api/v1/models/{version}/shadow', { percent }, { path: { version } });
  }

  stopShadow(): Observable<ModelVersionList> {
    return this.api.delete('/api/v1/models/shadow');
  }

  promote(version: string): Observable<ModelVersionList> {
    return this.api.post('/api/v1/models/{version}/promote', undefined, { path: { version } });
  }

  rollback(): Observable<ModelVersionList> {
    return this.api.post('/api/v1/models/rollback', undefined);
  }
}
