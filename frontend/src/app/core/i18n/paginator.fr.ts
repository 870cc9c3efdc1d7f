/** Material's paginator, in French (core/paginator-fr.ts gives these to it). */
export const PAGINATOR_FR = {
  itemsPerPage: 'Lignes par page :',
  next: 'Page suivante',
  previous: 'Page précédente',
  first: 'Première page',
  last: 'Dernière page',
  /** « 1 – 10 sur 10 000 », numbers the French way. */
  range: (first: string, last: string, length: string) => `${first} – ${last} sur ${length}`,
  empty: '0 sur 0',
} as const;
