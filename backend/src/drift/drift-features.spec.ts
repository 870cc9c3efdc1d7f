import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { binOf, featuresOf, psi, unknownShare, words } from './drift-features';

/** The fixture the Python side asserts too (model-server/tests/test_drift.py): one rule, two languages. */
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../model-server/tests/fixtures/drift-features.json'), 'utf-8')) as {
  vocabulary: string[];
  cases: { text: string; label: string; confidence: number; words: string[]; unknownShare: number; bins: Record<string, number> }[];
  psi: { expected: number[]; actual: number[]; value: number };
};
const vocabulary = new Set(fixture.vocabulary);

describe('drift features, as the Python that wrote the baseline computes them', () => {
  it.each(fixture.cases.map((c) => [c.text.slice(0, 24) || 'empty', c]))('%s', (_name, c) => {
    expect(words(c.text)).toEqual(c.words);
    expect(unknownShare(c.text, vocabulary)).toBeCloseTo(c.unknownShare, 10);
    expect(featuresOf(c.text, c.label, c.confidence, vocabulary)).toEqual(c.bins);
  });

  it('puts a value in the bin of the last edge not above it; the last bin is open-ended', () => {
    expect([0.5, 0.599, 0.6, 0.99, 1].map((value) => binOf('confidence', value))).toEqual([0, 0, 1, 6, 6]);
    expect(binOf('text_length', 100_000)).toBe(6);
    expect(binOf('label', 'negative')).toBe(0);
  });

  it('computes the population stability index as Python does: 0 for the same mix, finite for empty bins', () => {
    expect(psi([10, 20, 70], [1, 2, 7])).toBeCloseTo(0, 10);
    expect(psi(fixture.psi.expected, fixture.psi.actual)).toBeCloseTo(fixture.psi.value, 10);
    expect(Number.isFinite(psi([0, 10], [10, 0]))).toBe(true);
  });
});
