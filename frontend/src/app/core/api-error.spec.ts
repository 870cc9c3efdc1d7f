import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

import { toUiError } from './api-error';

const error = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpErrorResponse({ status, error: body, headers: new HttpHeaders(headers) });
const problem = (name: string, status: number, extra: object = {}) => ({
  type: `/api/v1/problems/${name}`, title: 'T', status, detail: 'English detail for developers', instance: '/api/v1/x', ...extra,
});

describe('toUiError', () => {
  it('says the problem in French from its type, never the English detail, and lists field errors', () => {
    const errors = [
      { path: 'text', message: 'text is empty', code: 'empty' },
      { path: 'reviews.3.text', message: 'text is longer than 5000 characters', code: 'too_long', limit: 5000 },
      { path: 'reviews', message: 'at most 10000 reviews per job', code: 'too_many', limit: 10000 },
      { path: 'reviews.1.id', message: 'duplicate id "x"', code: 'duplicate' },
      { path: 'lang', message: 'some future check', code: 'something-new' },
    ];
    const ui = toUiError(error(400, problem('invalid-request', 400, { errors })));
    expect(ui.kind).toBe('invalid');
    expect(ui.message).toBe('Requête refusée : le texte ou le fichier ne convient pas.');
    expect(ui.message).not.toContain('English');
    expect(ui.details).toEqual([
      'Vide : texte',
      'Trop long : avis n° 4, texte (5\u202f000 caractères au plus)',
      "Trop d'éléments : liste des avis (10\u202f000 au plus)",
      'En double : avis n° 2, identifiant',
      'lang : some future check',
    ]);
  });

  it('reads Retry-After when the service is unavailable', () => {
    const ui = toUiError(error(503, problem('unavailable', 503), { 'Retry-After': '10' }));
    expect(ui).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 10, message: 'Service momentanément indisponible.' });
  });

  it('tells two 429s apart by their type: a locked-out address and a busy client', () => {
    const denied = toUiError(error(401, problem('unauthorized', 401)));
    expect(denied.kind).toBe('unauthorized');
    expect(denied.message).toContain('UI_API_KEY');
    const locked = toUiError(error(429, problem('auth-failures', 429), { 'Retry-After': '40' }));
    expect(locked).toMatchObject({ kind: 'unauthorized', retryAfterSeconds: 40 });
    expect(toUiError(error(429, problem('too-many-jobs', 429))).message).toContain('Trop de lots en cours');
    expect(toUiError(error(429, problem('rate-limited', 429))).kind).toBe('unavailable');
  });

  it('tells a network failure from a timeout, and copes with bodies that are not problems', () => {
    expect(toUiError(error(0, null)).kind).toBe('network');
    expect(toUiError(error(504, {})).kind).toBe('timeout');
    expect(toUiError(error(418, 'teapot')).message).toBe('Erreur 418.');
    expect(toUiError(new Error('x')).kind).toBe('unknown');
  });
});
