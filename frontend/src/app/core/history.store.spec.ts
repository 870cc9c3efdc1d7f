import { TestBed } from '@angular/core/testing';
import type { PredictionResult } from '@allocine/contracts';

import { HistoryStore } from './history.store';

const result = (label: 'positive' | 'negative', score: number): PredictionResult => ({
  label,
  score,
  probabilities: { positive: label === 'positive' ? score : 1 - score, negative: label === 'negative' ? score : 1 - score },
  uncertain: false,
  truncated: false,
  model: 'm',
  version: '1',
  latencyMs: 20,
});

describe('HistoryStore', () => {
  beforeEach(() => localStorage.clear());

  it('keeps analyses newest first, with averages, across a reload', () => {
    const store = TestBed.inject(HistoryStore);
    store.add('Bien', result('positive', 0.9));
    store.add('Nul', result('negative', 0.7));
    expect(store.entries().map((e) => e.text)).toEqual(['Nul', 'Bien']);
    expect(store.averageConfidence()).toBeCloseTo(0.8);
    expect(store.averageLatencyMs()).toBe(20);

    TestBed.resetTestingModule();
    const reloaded = TestBed.inject(HistoryStore);
    expect(reloaded.count()).toBe(2);
    expect(JSON.parse(reloaded.toJson())[0].label).toBe('negative');
    reloaded.clear();
    expect(reloaded.count()).toBe(0);
    expect(localStorage.getItem('allocine-sentiment.history.v1')).toBe('[]');
  });
});
