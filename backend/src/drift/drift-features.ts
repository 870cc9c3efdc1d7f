/**
 * Drift features, binned as libs/contracts/src/drift-contract.json says: the same rules as the Python that wrote
 * the baseline (model-server/allocine_sentiment/drift.py); drift-features.spec.ts holds both to one fixture.
 */
// Data, imported as it is (the one import of another project's file the lint rule allows: eslint.config.mjs).
import contract from '../../../libs/contracts/src/drift-contract.json';
import { codePoints } from '../validation/schemas';

export type DriftFeature = 'text_length' | 'unknown_words' | 'label' | 'confidence';
export const DRIFT_FEATURES: DriftFeature[] = ['text_length', 'unknown_words', 'label', 'confidence'];
export const DRIFT_CONTRACT = contract;

type Spec = { title: string; edges?: number[]; categories?: string[] };
const SPECS = contract.features as Record<DriftFeature, Spec>;

/** Python's `[^\W\d_]+` over str: letters and non-decimal numerals (\W and \d are ASCII-only in JavaScript). */
const WORDS = new RegExp(contract.tokens.wordsJavaScript, 'gu');

/** As the embedded model normalises (model-server/allocine_sentiment/models/text.py). */
const normalise = (text: string) => text.normalize('NFKC').replace(/[’`´]/g, "'").toLowerCase();

export const words = (text: string): string[] => normalise(text).match(WORDS) ?? [];

export function unknownShare(text: string, vocabulary: ReadonlySet<string>): number {
  const tokens = words(text);
  return tokens.length ? tokens.filter((token) => !vocabulary.has(token)).length / tokens.length : 0;
}

export const binCount = (feature: DriftFeature): number => (SPECS[feature].categories ?? SPECS[feature].edges ?? []).length;

/** The bin of the last edge not above the value (the last bin is open-ended), or the category's place. */
export function binOf(feature: DriftFeature, value: number | string): number {
  const spec = SPECS[feature];
  if (spec.categories) return spec.categories.indexOf(String(value));
  let bin = 0;
  (spec.edges ?? []).forEach((edge, i) => {
    if (Number(value) >= edge) bin = i;
  });
  return bin;
}

/** Each feature's bin for one classified review; lengths in code points, as Python counts. */
export function featuresOf(text: string, label: string, confidence: number, vocabulary: ReadonlySet<string>): Record<DriftFeature, number> {
  return {
    text_length: binOf('text_length', codePoints(text)),
    unknown_words: binOf('unknown_words', unknownShare(text, vocabulary)),
    label: binOf('label', label),
    confidence: binOf('confidence', confidence),
  };
}

/** Population stability index of two histograms (counts), smoothed so an empty bin stays finite. */
export function psi(expected: number[], actual: number[]): number {
  const smoothing = contract.psi.smoothing;
  const expectedTotal = expected.reduce((a, b) => a + b, 0) || 1;
  const actualTotal = actual.reduce((a, b) => a + b, 0) || 1;
  return expected.reduce((sum, e, i) => {
    const eShare = Math.max(e / expectedTotal, smoothing);
    const aShare = Math.max(actual[i] / actualTotal, smoothing);
    return sum + (aShare - eShare) * Math.log(aShare / eShare);
  }, 0);
}
