/** The application shell: navigation, theme switch. */
export const APP_FR = {
  skip: 'Aller au contenu',
  home: 'Allociné Sentiment, accueil',
  navigation: 'Navigation principale',
  links: [
    { path: '/analyser', label: 'Analyser' },
    { path: '/lot', label: 'Analyser un lot' },
    { path: '/lots', label: 'Suivi des lots' },
    { path: '/historique', label: 'Historique' },
    { path: '/modeles', label: 'Modèles' },
    { path: '/sante', label: 'Santé' },
  ],
  theme: { system: 'Thème : système', light: 'Thème : clair', dark: 'Thème : sombre' },
  change: ' (changer)',
  /** Each page's tab title. */
  titles: {
    analyse: 'Analyser — Allociné Sentiment',
    batch: 'Lot — Allociné Sentiment',
    jobs: 'Lots — Allociné Sentiment',
    history: 'Historique — Allociné Sentiment',
    models: 'Modèles — Allociné Sentiment',
    health: 'Santé — Allociné Sentiment',
  },
} as const;
