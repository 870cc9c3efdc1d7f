import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody } from '@allocine/contracts';

/** An HTTP failure turned into something the UI can say in French. */
export interface UiError {
  kind: 'invalid' | 'unauthorized' | 'unavailable' | 'timeout' | 'not-found' | 'network' | 'unknown';
  message: string;
  details: string[];
  retryAfterSeconds?: number;
}

export function toUiError(error: unknown): UiError {
  if (!(error instanceof HttpErrorResponse)) return { kind: 'unknown', message: 'Erreur inattendue.', details: [] };
  const body = (typeof error.error === 'object' && error.error) as Partial<ApiErrorBody> | false;
  const details = body && Array.isArray(body.details)
    ? (body.details as { path?: string; message?: string }[]).map((d) => (d.path ? `${d.path} : ${d.message}` : String(d.message)))
    : [];
  const retryAfter = Number(error.headers?.get('Retry-After'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  switch (true) {
    case error.status === 0:
      return { kind: 'network', message: "Impossible de joindre l'API. Vérifiez que le service tourne.", details };
    case error.status === 400 || error.status === 413 || error.status === 422:
      return { kind: 'invalid', message: `Requête refusée : ${(body && body.message) || 'entrée invalide'}.`, details };
    case error.status === 401 || error.status === 403:
      // The UI holds no key: the server in front of it lends one (UI_API_KEY). Reaching here means it has none.
      return {
        kind: 'unauthorized',
        message: "Accès refusé : l'API exige une clé et le serveur de l'interface n'en fournit pas (UI_API_KEY, voir le README).",
        details,
      };
    case error.status === 429 && body && /API key/.test(body.message ?? ''):
      return { kind: 'unauthorized', message: 'Trop de tentatives avec une clé invalide : réessayez plus tard.', details, retryAfterSeconds };
    case error.status === 404:
      return { kind: 'not-found', message: (body && body.message) || 'Introuvable.', details };
    case error.status === 504:
      return { kind: 'timeout', message: "Le modèle n'a pas répondu à temps. Réessayez.", details };
    case error.status === 429 || error.status === 502 || error.status === 503:
      return {
        kind: 'unavailable',
        message: `Service momentanément indisponible${body && body.message ? ` (${body.message})` : ''}.`,
        details,
        retryAfterSeconds,
      };
    default:
      return { kind: 'unknown', message: `Erreur ${error.status} : ${(body && body.message) || error.message}`, details };
  }
}
