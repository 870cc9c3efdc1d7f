import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { ApiClient } from './api-client';

describe('ApiClient (typed from the generated OpenAPI document)', () => {
  let api: ApiClient;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(ApiClient);
    http = TestBed.inject(HttpTestingController);
  });

  it('fills path parameters (encoded) and sends the query', async () => {
    const answer = firstValueFrom(api.get('/api/v1/jobs/{id}/results', { path: { id: 'a b/c' }, query: { offset: 0, limit: 50 } }));
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/jobs/a%20b%2Fc/results');
    expect(request.request.params.get('offset')).toBe('0');
    expect(request.request.params.get('limit')).toBe('50');
    request.flush({ jobId: 'x', state: 'completed', offset: 0, limit: 50, total: 0, items: [] });
    expect((await answer).total).toBe(0);
  });

  it('leaves out empty query values and builds links with their query', () => {
    expect(api.url('/api/v1/jobs/{id}/results', { path: { id: 'j1' }, query: { format: 'excel' } })).toBe('/api/v1/jobs/j1/results?format=excel');
    api.get('/api/v1/predictions', { query: { label: undefined, q: '', limit: 10 } }).subscribe();
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/predictions');
    expect(request.request.params.keys()).toEqual(['limit']);
    request.flush({ items: [], nextCursor: null });
  });

  it('refuses at compile time what the document does not have', () => {
    // Each line below would be a type error: an unknown route, a missing path parameter, an unknown query
    // parameter, a body field the schema does not have. (Checked by `tsc -p frontend/tsconfig.spec.json`.)
    const never = () => {
      // @ts-expect-error: no such route
      api.get('/api/v1/nope');
      // @ts-expect-error: {id} is required
      api.get('/api/v1/jobs/{id}');
      // @ts-expect-error: no such query parameter
      api.get('/api/v1/jobs', { query: { page: 2 } });
      // @ts-expect-error: reviews is required
      api.post('/api/v1/jobs', { name: 'x' });
    };
    expect(typeof never).toBe('function');
  });
});
