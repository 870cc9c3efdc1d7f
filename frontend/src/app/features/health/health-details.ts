/** One line of a component's report on the Santé page, in French with its unit. */
export interface DetailLine {
  label: string;
  value: string;
}

const LABELS: Partial<Record<string, { label: string; format?: (value: unknown) => string }>> = {
  latencyMs: { label: 'Temps de réponse', format: (v) => `${v} ms` },
  count: { label: 'Processus actifs', format: (v) => Number(v).toLocaleString('fr-FR') },
  // Queue entries are single predictions and job chunks: "tâches", not "lots".
  waiting: { label: 'En attente', format: (v) => `${v} tâche(s)` },
  active: { label: 'En cours', format: (v) => `${v} tâche(s)` },
  delayed: { label: 'Reportées', format: (v) => `${v} tâche(s)` },
  failed: { label: 'En échec', format: (v) => `${v} tâche(s)` },
  degraded: { label: 'Mode dégradé', format: (v) => (v ? 'oui' : 'non') },
  backend: { label: 'Stockage', format: (v) => ({ postgres: 'PostgreSQL', embedded: 'PostgreSQL embarqué', off: 'désactivé' })[String(v)] ?? String(v) },
  model: { label: 'Modèle' },
  url: { label: 'Adresse' },
  torchserve: { label: 'Dernière vérification' },
  message: { label: 'Détail' },
  // The Kafka stream (present when the connector is on).
  brokers: { label: 'Brokers' },
  topic: { label: 'Sujet lu' },
  lag: { label: 'Retard (lag)', format: (v) => `${Number(v).toLocaleString('fr-FR')} critique(s) à traiter` },
  ratePerSecond: { label: 'Débit', format: (v) => `${Number(v).toLocaleString('fr-FR')} critiques/s` },
  connectors: { label: 'Connecteurs', format: (v) => String(v) },
};

/** The report's entries (all but `status`) as French label and value; unknown keys keep their name. */
export function detailLines(component: Record<string, unknown>): DetailLine[] {
  return Object.entries(component)
    .filter(([key]) => key !== 'status')
    .map(([key, value]) => {
      const known = LABELS[key];
      return { label: known?.label ?? key, value: known?.format ? known.format(value) : String(value) };
    });
}
