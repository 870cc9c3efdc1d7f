/** What the « Corriger » control says (Analyser, Historique, a job's results): one file per language, the same keys. */
export const FEEDBACK_FR = {
  said: { positive: 'positive', negative: 'négative' },
  corrected: (label: string) => `Corrigée : ${label}`,
  undo: (label: string) => `Revenir à : ${label}`,
  correct: (label: string) => `Corriger : c’est ${label}`,
  saving: 'Enregistrement…',
  saved: 'Correction enregistrée.',
} as const;
