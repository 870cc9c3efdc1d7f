import { DRIFT_FEATURES_FR, datasetNameFr, driftVerdictFr, runtimeFr } from '../../core/i18n/health.fr';
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

describe('what the services report, in French', () => {
  it('translates the model server probe’s status, and keeps what it does not know', () => {
    expect(detailLines({ status: 'up', torchserve: 'probe classified' })).toEqual([{ label: 'Dernière vérification', value: 'critique de contrôle classée' }]);
    expect(detailLines({ status: 'down', torchserve: 'probe failed: timeout' })[0].value).toBe('échec de la critique de contrôle : timeout');
    expect(detailLines({ status: 'up', torchserve: 'allocine-sentiment 1.0 loaded' })[0].value).toBe('allocine-sentiment 1.0 chargé');
    expect(detailLines({ status: 'up', torchserve: 'something new' })[0].value).toBe('something new');
  });

  it('names the model card’s evaluation sets, labels and runtime in French', () => {
    expect(datasetNameFr('Allociné validation (official split, 500 reviews)')).toBe('Allociné, validation (découpage officiel, 500 critiques)');
    expect(datasetNameFr('Allociné TV-series dev (391 reviews)')).toBe('Allociné séries TV, développement (391 critiques)');
    expect(runtimeFr('embedded-ngram', 'torch-fp32')).toBe('NumPy');
    expect(runtimeFr('huggingface', 'onnx-int8')).toBe('ONNX Runtime (int8)');
  });
});

describe('drift in words', () => {
  const thresholds = { moderate: 0.1, major: 0.25 };
  it('says stable, moderate or major drift from the index and the thresholds', () => {
    expect([0.02, 0.1, 0.11, 0.25, 0.3].map((psi) => driftVerdictFr(psi, thresholds).text)).toEqual(['stable', 'stable', 'dérive modérée', 'dérive modérée', 'forte dérive']);
    expect(DRIFT_FEATURES_FR['unknown_words']).toBe('Mots que le modèle embarqué n’a jamais vus');
  });
});
