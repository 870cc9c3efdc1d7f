import type { ModelEvent, ModelVersion } from '@allocine/contracts';

/** Everything the « Modèles » page says: one file per language, the same keys. */
export const MODELS_FR = {
  title: 'Modèles',
  lead: 'Les versions enregistrées du modèle, celle qui répond en direct, celle mise en observation sur une part du trafic, et le journal des opérations.',
  loading: 'Chargement des versions…',
  versions: 'Versions enregistrées',
  version: 'Version',
  status: 'Statut',
  origin: 'Origine',
  corrections: 'Corrections apprises',
  accuracy: 'Exactitude',
  fingerprint: 'Empreinte des données',
  actions: 'Actions',
  from: 'issue de',
  none: '—',
  gateRefused: 'refusée par le contrôle',
  vsBase: (points: string) => `${points} pt par rapport à la version d’origine`,
  shadowPercent: 'Part du trafic observée (%)',
  startShadow: 'Mettre en observation',
  stopShadow: 'Arrêter l’observation',
  promote: 'Mettre en production',
  rollback: 'Revenir à la version précédente',
  rollbackTo: (version: string) => `Revenir à la version ${version}`,
  noPrevious: 'Aucune version précédente : rien à restaurer.',
  shadowTitle: (version: string, percent: number) => `Observation de la version ${version} sur ${percent} % du trafic`,
  shadowNone: 'Aucune version en observation. Mettez-en une en observation pour la comparer au modèle en production sans toucher aux réponses.',
  shadowSince: 'Depuis',
  compared: 'Critiques comparées',
  agreement: 'Accord avec la production',
  waiting: 'En attente de comparaison',
  correctedTitle: 'Sur les critiques corrigées depuis le début de l’observation',
  correctedCount: 'Critiques corrigées et comparées',
  liveAccuracy: 'Exactitude de la production',
  shadowAccuracy: 'Exactitude de la version observée',
  notYet: 'pas encore de correction',
  confidenceTitle: 'Répartition de la confiance (critiques par tranche)',
  confidenceBin: 'Confiance',
  liveColumn: 'Production',
  shadowColumn: 'Observée',
  journal: 'Journal des opérations',
  journalEmpty: 'Aucune opération pour l’instant.',
  when: 'Date',
  action: 'Opération',
  fromVersion: 'De',
  toVersion: 'Vers',
  who: 'Par',
  anonymous: 'anonyme (sans clé)',
  done: {
    shadow: (version: string, percent: number) => `Version ${version} en observation sur ${percent} % du trafic.`,
    stopShadow: 'Observation arrêtée.',
    promote: (version: string) => `Version ${version} en production.`,
    rollback: (version: string) => `Version ${version} rétablie en production.`,
  },
  confirmPromote: (version: string) => `Mettre la version ${version} en production ? Les lots en cours finissent sur leur version.`,
  adminOnly: 'Les opérations sur les modèles demandent une clé d’administration (ADMIN_KEYS, ou UI_ROLE=admin pour l’interface).',
} as const;

export const VERSION_STATUS_FR: Record<ModelVersion['status'], string> = {
  live: 'en production',
  shadow: 'en observation',
  previous: 'précédente',
  registered: 'enregistrée',
};

export const VERSION_METHOD_FR: Record<ModelVersion['method'], string> = {
  trained: 'entraînée sur les données de base',
  retrained: 'réentraînée avec les corrections',
  recalibrated: 'recalibrée sur les corrections',
};

export const MODEL_ACTION_FR: Record<ModelEvent['action'], string> = {
  shadow: 'mise en observation',
  'shadow-stop': 'fin d’observation',
  promote: 'mise en production',
  rollback: 'retour arrière',
};

/** « 0,50–0,55 »: a confidence bin's bounds, as the histograms number them (0 to 9). */
export function confidenceBinFr(bin: number): string {
  const low = 0.5 + bin * 0.05;
  const format = (value: number) => value.toFixed(2).replace('.', ',');
  return `${format(low)}–${format(low + 0.05)}`;
}
