import type { ProblemType } from '@allocine/contracts';

/**
 * What the UI says for each problem `type` the API answers with. The API's own `detail` is English and meant
 * for developers; a second language is one more file with the same keys.
 */
export const PROBLEM_MESSAGES_FR: Record<ProblemType, string> = {
  'invalid-request': 'Requête refusée : le texte ou le fichier ne convient pas.',
  unauthorized: "Accès refusé : l'API exige une clé et le serveur de l'interface n'en fournit pas (UI_API_KEY, voir le README).",
  forbidden: "Réservé aux administrateurs : la clé de l'interface n'a pas le rôle admin (ADMIN_KEYS, ou UI_ROLE=admin, voir le README).",
  'auth-failures': 'Trop de tentatives avec une clé invalide : réessayez plus tard.',
  'not-found': 'Introuvable : inconnu, supprimé ou expiré.',
  'method-not-allowed': 'Opération non prise en charge par le service.',
  conflict: "Impossible dans l'état actuel.",
  'payload-too-large': 'Trop volumineux : le fichier ou le lot dépasse la limite du service.',
  'unsupported-media-type': 'Format refusé : le service attend du JSON ou un fichier CSV, sans compression.',
  'idempotency-mismatch': 'Cette demande a déjà été envoyée avec un autre contenu.',
  'rate-limited': 'Trop de requêtes : patientez un instant.',
  'too-many-jobs': "Trop de lots en cours pour cette clé (lots, avis en attente ou résultats conservés) : attendez la fin de l'un d'eux ou supprimez ceux dont vous n'avez plus besoin.",
  unavailable: 'Service momentanément indisponible.',
  'not-ready': 'Service pas encore prêt.',
  'model-rejected': 'Le modèle a refusé la requête.',
  'model-timeout': "Le modèle n'a pas répondu à temps. Réessayez.",
  internal: 'Erreur interne du service.',
};

/** What the UI says when there is no problem type to go by. */
export const OTHER_ERRORS_FR = {
  unexpected: 'Erreur inattendue.',
  network: "Impossible de joindre l'API. Vérifiez que le service tourne.",
  status: (status: number) => `Erreur ${status}.`,
} as const;
