/** What the charts and their data tables say (job results, Historique): one file per language, the same keys. */
export const CHARTS_FR = {
  split: 'Répartition',
  splitAria: 'Répartition positif / négatif',
  sentiment: 'Sentiment',
  confidence: 'Confiance',
  confidenceAria: 'Histogramme de la confiance',
  positive: 'Positif',
  negative: 'Négatif',
  reviews: 'Critiques',
  category: 'Catégorie',
  dataOf: (caption: string) => `Données du graphique « ${caption} »`,
  count: 'Nombre',
} as const;
