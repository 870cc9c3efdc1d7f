import type { FieldError } from '@allocine/contracts';

/**
 * A field error in French, from its `code` (the API's `message` is English, for developers). The field is named
 * from its path: `reviews.3.text` is the text of review no. 4. An unknown code falls back to the API's message.
 */
const WHAT: Record<FieldError['code'], string> = {
  required: 'Manquant',
  wrong_type: 'Type incorrect',
  empty: 'Vide',
  too_long: 'Trop long',
  too_many: "Trop d'éléments",
  too_small: 'Trop petit',
  too_big: 'Trop grand',
  unknown_field: 'Champ inconnu',
  invalid_format: 'Format invalide',
  not_allowed: 'Valeur non permise',
  duplicate: 'En double',
  callback_refused: 'URL de rappel refusée',
  control_character: 'Caractère de contrôle interdit',
  invalid: 'Invalide',
};

const FIELDS: Record<string, string> = {
  text: 'texte',
  texts: 'liste de textes',
  reviews: 'liste des avis',
  id: 'identifiant',
  name: 'nom',
  metadata: 'métadonnées',
  callbackUrl: 'URL de rappel',
  explain: 'explication',
  '(body)': 'requête',
};

const LIMIT_UNIT: Partial<Record<FieldError['code'], string>> = { too_long: ' caractères', too_many: '' };

function fieldName(path: string): string {
  const parts = path.split('.');
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      names.push(`${parts[i] === 'reviews' ? 'avis' : 'texte'} n° ${Number(next) + 1}`);
      i++;
    } else {
      names.push(FIELDS[parts[i]] ?? parts[i]);
    }
  }
  return names.join(', ');
}

export function fieldErrorFr(error: Partial<FieldError> & { path?: string; message?: string }): string {
  const where = error.path ? fieldName(error.path) : '';
  const what = error.code && Object.hasOwn(WHAT, error.code) ? WHAT[error.code] : null;
  if (!what) return where ? `${where} : ${error.message ?? ''}` : (error.message ?? '');
  const limit = error.limit !== undefined ? ` (${error.limit.toLocaleString('fr-FR')}${LIMIT_UNIT[error.code as FieldError['code']] ?? ''} au plus)` : '';
  const bound = error.code === 'too_small' && error.limit !== undefined ? ` (${error.limit.toLocaleString('fr-FR')} au moins)` : limit;
  return `${what} : ${where}${bound}`;
}
