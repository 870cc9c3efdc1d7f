import type { HistoryItem } from '@allocine/contracts';

import { historyToCsv } from './history.api';

const item = (overrides: Partial<HistoryItem>): HistoryItem => ({
  id: '1',
  predictionId: 'b1d1c7a2-9a8e-4c4e-8f7a-0c1d2e3f4a5b',
  correction: null,
  createdAt: '2026-11-28T10:00:00.000Z',
  source: 'single',
  jobId: null,
  reviewId: null,
  text: 'Bien',
  label: 'positive',
  score: 0.9,
  probabilities: { negative: 0.1, positive: 0.9 },
  uncertain: false,
  latencyMs: 12,
  model: 'm',
  version: '1',
  stream: null,
  ...overrides,
});

describe('historyToCsv', () => {
  it('writes one line per row under a French header, quoting and escaping what a spreadsheet would misread', () => {
    const streamed = item({ source: 'stream', reviewId: 's1', stream: { topic: 'allocine.reviews.v1', partition: 2, offset: '41' } });
    const csv = historyToCsv([item({}), item({ text: '=HYPERLINK("x"), "ok"', label: 'negative', score: 0.25, latencyMs: null }), streamed]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,source,lot,flux,id,sentiment,confiance,incertain,latence_ms,modele,texte');
    expect(lines[1]).toBe('2026-11-28T10:00:00.000Z,single,,,,positive,0.9000,non,12,m 1,Bien');
    expect(lines[2]).toBe('2026-11-28T10:00:00.000Z,single,,,,negative,0.2500,non,,m 1,"\'=HYPERLINK(""x""), ""ok"""');
    expect(lines[3]).toBe('2026-11-28T10:00:00.000Z,stream,,allocine.reviews.v1:2:41,s1,positive,0.9000,non,12,m 1,Bien');
  });
});
