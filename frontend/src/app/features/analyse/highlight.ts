import type { WordWeight } from '@allocine/contracts';

/** A run of the review: plain text, or a word with its weight's sign and strength (0..1 of the strongest). */
export interface Segment {
  text: string;
  tone: 'positive' | 'negative' | null;
  strength: number;
  weight: number | null;
}

/** Words weighing less than this share of the strongest are left plain: highlighting them would be noise. */
const FAINT = 0.08;

/** The review cut into runs, each word carrying its weight, in order; the text is kept whole. */
export function segments(text: string, words: WordWeight[]): Segment[] {
  const strongest = Math.max(...words.map((w) => Math.abs(w.weight)), 1e-9);
  const runs: Segment[] = [];
  let cursor = 0;
  for (const word of [...words].sort((a, b) => a.start - b.start)) {
    if (word.start < cursor || word.end > text.length) continue;
    if (word.start > cursor) runs.push({ text: text.slice(cursor, word.start), tone: null, strength: 0, weight: null });
    const strength = Math.abs(word.weight) / strongest;
    const tone = strength < FAINT ? null : word.weight > 0 ? 'positive' : 'negative';
    runs.push({ text: text.slice(word.start, word.end), tone, strength, weight: word.weight });
    cursor = word.end;
  }
  if (cursor < text.length) runs.push({ text: text.slice(cursor), tone: null, strength: 0, weight: null });
  return runs;
}

/** The strongest words each way, for the sentence under the highlighted review. */
export function strongest(words: WordWeight[], tone: 'positive' | 'negative', count = 5): WordWeight[] {
  return words
    .filter((w) => (tone === 'positive' ? w.weight > 0 : w.weight < 0))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, count);
}
