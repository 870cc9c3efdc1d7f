/**
 * The Santé page's words: component names, the report's keys, and the English the services report (probe
 * status, evaluation sets, runtimes), so nothing reaches the page untranslated. A value this file does not
 * know is shown as it is.
 */
const number = (value: unknown) => Number(value).toLocaleString('fr-FR');

export const COMPONENT_NAMES_FR: Partial<Record<string, string>> = {
  redis: 'Redis (file de travail)',
  modelServer: 'Serveur de modèle (TorchServe)',
  workers: 'Workers',
  queue: 'File d’attente',
  history: 'Historique (PostgreSQL)',
  stream: 'Flux Kafka',
};

/** What the model server's readiness says, as its client words it (backend/src/model-server/model-server.client.ts). */
const MODEL_SERVER_DETAILS: [RegExp, (...groups: string[]) => string][] = [
  [/^probe classified$/, () => 'critique de contrôle classée'],
  [/^the probe review got no prediction$/, () => 'la critique de contrôle n’a reçu aucune prédiction'],
  [/^probe failed: (.*)$/s, (reason) => `échec de la critique de contrôle : ${reason}`],
  [/^(\S+) (\S+) loaded$/, (model, version) => `${model} ${version} chargé`],
];

export function modelServerDetailFr(detail: unknown): string {
  const text = String(detail);
  for (const [pattern, say] of MODEL_SERVER_DETAILS) {
    const match = pattern.exec(text);
    if (match) return say(...match.slice(1));
  }
  return text;
}

export const DETAIL_LABELS_FR: Partial<Record<string, { label: string; format?: (value: unknown) => string }>> = {
  latencyMs: { label: 'Temps de réponse', format: (v) => `${number(v)} ms` },
  count: { label: 'Processus actifs', format: number },
  // Queue entries are single predictions and job chunks: "tâches", not "lots".
  waiting: { label: 'En attente', format: (v) => `${number(v)} tâche(s)` },
  active: { label: 'En cours', format: (v) => `${number(v)} tâche(s)` },
  delayed: { label: 'Reportées', format: (v) => `${number(v)} tâche(s)` },
  failed: { label: 'En échec', format: (v) => `${number(v)} tâche(s)` },
  degraded: { label: 'Mode dégradé', format: (v) => (v ? 'oui' : 'non') },
  backend: { label: 'Stockage', format: (v) => ({ postgres: 'PostgreSQL', embedded: 'PostgreSQL embarqué', off: 'désactivé' })[String(v)] ?? String(v) },
  model: { label: 'Modèle' },
  url: { label: 'Adresse' },
  torchserve: { label: 'Dernière vérification', format: modelServerDetailFr },
  message: { label: 'Détail' },
  // The Kafka stream (present when the connector is on).
  brokers: { label: 'Brokers' },
  topic: { label: 'Sujet lu' },
  lag: { label: 'Retard (lag)', format: (v) => `${number(v)} critique(s) à traiter` },
  ratePerSecond: { label: 'Débit', format: (v) => `${number(v)} critiques/s` },
  connectors: { label: 'Connecteurs', format: (v) => String(v) },
};

/** The evaluation sets the model card names (backend/src/model-info/model-info.service.ts). */
const DATASET_NAMES: Partial<Record<string, string>> = {
  'Allociné validation (official split, 500 reviews)': 'Allociné, validation (découpage officiel, 500 critiques)',
  'Allociné TV-series dev (391 reviews)': 'Allociné séries TV, développement (391 critiques)',
};

export const datasetNameFr = (name: string): string => DATASET_NAMES[name] ?? name;

export const LABEL_NAMES_FR: Partial<Record<string, string>> = { negative: 'négatif', positive: 'positif' };

const FAMILIES: Partial<Record<string, string>> = { 'embedded-ngram': 'modèle embarqué', huggingface: 'Hugging Face' };

export const familyFr = (family: string): string => FAMILIES[family] ?? family;

const RUNTIMES: Partial<Record<string, string>> = {
  'torch-fp32': 'PyTorch (fp32)',
  'torch-int8': 'PyTorch (int8)',
  'onnx-fp32': 'ONNX Runtime (fp32)',
  'onnx-int8': 'ONNX Runtime (int8)',
  'onnx-static-int8': 'ONNX Runtime (int8 statique)',
  'openvino-int8': 'OpenVINO (int8)',
};

/** How the model runs: the embedded model is plain NumPy whatever its profile names; a transformer, its variant. */
export const runtimeFr = (family: string, acceleration: string): string =>
  family === 'embedded-ngram' ? 'NumPy' : RUNTIMES[acceleration] ?? acceleration;

export const deviceFr = (device: string): string => (device === 'cpu' ? 'processeur (CPU)' : device === 'cuda' ? 'GPU (CUDA)' : device);

/** The drift report's features and verdicts (GET /api/v1/drift, libs/contracts/src/drift-contract.json). */
export const DRIFT_FEATURES_FR: Record<string, string> = {
  text_length: 'Longueur des critiques',
  unknown_words: 'Mots que le modèle embarqué n’a jamais vus',
  label: 'Répartition positif / négatif',
  confidence: 'Confiance du modèle',
};

export function driftVerdictFr(psi: number, thresholds: { moderate: number; major: number }): { text: string; level: 'stable' | 'moderate' | 'major' } {
  if (psi > thresholds.major) return { text: 'forte dérive', level: 'major' };
  if (psi > thresholds.moderate) return { text: 'dérive modérée', level: 'moderate' };
  return { text: 'stable', level: 'stable' };
}

/** The Santé page's own sentences. */
export const HEALTH_PAGE_FR = {
  title: 'Santé du service',
  lead: 'État de chaque composant, actualisé toutes les 5 secondes.',
  unreachable: 'API injoignable.',
  allUp: 'Tous les composants sont opérationnels.',
  degraded: 'Service dégradé : au moins un composant est en panne.',
  checkedAt: (time: string) => ` Vérifié à ${time}.`,
  up: 'opérationnel',
  down: 'en panne',
  served: 'Modèle servi',
  version: 'version',
  classes: 'classes :',
  accuracy: (dataset: string, accuracy: string, f1: string) => `${dataset} : exactitude ${accuracy}, F1 ${f1}`,
  limits: (chars: string, reviews: string) => `Limites : ${chars} caractères par texte, ${reviews} critiques par lot.`,
  runtimeLine: (runtime: string, device: string, chunk: string) => `Exécution : ${runtime} sur ${device}, lots de ${chunk} critiques.`,
  drift: {
    title: 'Dérive des données',
    off: 'Surveillance désactivée : aucune référence installée',
    compared: (dataset: string, moderate: string, major: string) =>
      `Critiques de l’heure comparées à ${dataset}, par indice de stabilité (PSI) : sous ${moderate} stable, au-delà de ${major} forte dérive.`,
    hour: (hour: string, count: string) => `Heure de ${hour} h : ${count} critiques`,
    indicator: 'Indicateur',
    index: 'Indice',
    verdict: 'Verdict',
    tooFew: (minimum: string) => `Pas encore assez de critiques cette heure-ci pour comparer (${minimum} au moins).`,
  },
} as const;
