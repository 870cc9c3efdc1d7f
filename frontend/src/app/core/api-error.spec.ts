import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { toUiError } from './api-error';

const error = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpErrorResponse({ status, error: body, headers: new HttpHeaders(headers) });

describe('toUiError', () => {
  it('explains validation errors with their details', () => {
    const ui = toUiError(error(400, { statusCode: 400, error: 'Bad Request', message: 'Invalid prediction request', details: [{ path: 'text', message: 'text is empty' }] }));
    expect(ui.kind).toBe('invalid');
    expect(ui.message).toBe('Requête refusée : Invalid prediction request.');
    expect(ui.details).toEqual(['text : text is empty']);
  });

  it('reads Retry-After when the service is unavailable', () => {
    const ui = toUiError(error(503, { message: 'Model server unavailable' }, { 'Retry-After': '10' }));
    expect(ui).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 10 });
    expect(ui.message).toContain('Model server unavailable');
  });

  it('says when the API wants a key the UI server did not lend, and when an address is locked out', () => {
    const denied = toUiError(error(401, { message: 'Missing or invalid API key' }));
    expect(denied.kind).toBe('unauthorized');
    expect(denied.message).toContain('UI_API_KEY');
    const locked = toUiError(error(429, { message: 'Too many requests with a wrong or missing API key; try again in 40 s' }, { 'Retry-After': '40' }));
    expect(locked).toMatchObject({ kind: 'unauthorized', retryAfterSeconds: 40 });
    expect(toUiError(error(429, { message: 'Too many requests' })).kind).toBe('unavailable');
  });

  it('tells a network failure from a timeout', () => {
    expect(toUiError(error(0, null)).kind).toBe('network');
    expect(toUiError(error(504, {})).kind).toBe('timeout');
    expect(toUiError(new Error('x')).kind).toBe('unknown');
  });
});
