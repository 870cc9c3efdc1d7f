import { detailLines } from './health-details';

describe('detailLines', () => {
  it('labels the report in French with units, never raw keys', () => {
    expect(detailLines({ status: 'up', latencyMs: 4 })).toEqual([{ label: 'Temps de réponse', value: '4 ms' }]);
    expect(detailLines({ status: 'up', count: 2 })).toEqual([{ label: 'Processus actifs', value: '2' }]);
    expect(detailLines({ status: 'up', waiting: 0, active: 1, delayed: 0, failed: 0 }).map((l) => l.label)).toEqual([
      'En attente', 'En cours', 'Reportées', 'En échec',
    ]);
    expect(detailLines({ status: 'up', backend: 'embedded', degraded: true })).toEqual([
      { label: 'Stockage', value: 'PostgreSQL embarqué' },
      { label: 'Mode dégradé', value: 'oui' },
    ]);
  });

  it('shows the Kafka stream’s lag and rate in words', () => {
    expect(detailLines({ status: 'up', lag: 12500, ratePerSecond: 840.5, connectors: 2 })).toEqual([
      { label: 'Retard (lag)', value: `${(12500).toLocaleString('fr-FR')} critique(s) à traiter` },
      { label: 'Débit', value: `${(840.5).toLocaleString('fr-FR')} critiques/s` },
      { label: 'Connecteurs', value: '2' },
    ]);
  });
});
