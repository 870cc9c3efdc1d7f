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

  it('tells a network failure from a timeout', () => {
    expect(toUiError(error(0, null)).kind).toBe('network');
    expect(toUiError(error(504, {})).kind).toBe('timeout');
    expect(toUiError(new Error('x')).kind).toBe('unknown');
  });
});
