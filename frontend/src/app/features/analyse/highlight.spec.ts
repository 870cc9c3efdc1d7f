import { segments, strongest } from './highlight';

const text = 'Un scénario NUL, des acteurs magnifiques.';
const words = [
  { text: 'Un', start: 0, end: 2, weight: 0.01 },
  { text: 'scénario', start: 3, end: 11, weight: -0.1 },
  { text: 'NUL', start: 12, end: 15, weight: -0.9 },
  { text: 'des', start: 17, end: 20, weight: 0.02 },
  { text: 'acteurs', start: 21, end: 28, weight: 0.2 },
  { text: 'magnifiques', start: 29, end: 40, weight: 0.6 },
];

describe('segments', () => {
  it('keeps the review whole and tones each word by its weight', () => {
    const runs = segments(text, words);
    expect(runs.map((r) => r.text).join('')).toBe(text);
    const tone = (word: string) => runs.find((r) => r.text === word)!.tone;
    expect(tone('NUL')).toBe('negative');
    expect(tone('magnifiques')).toBe('positive');
    expect(tone('Un')).toBeNull(); // too faint to mark
    expect(runs.find((r) => r.text === 'NUL')!.strength).toBe(1);
  });

  it('lists the strongest words each way', () => {
    expect(strongest(words, 'positive').map((w) => w.text)).toEqual(['magnifiques', 'acteurs', 'des', 'Un']);
    expect(strongest(words, 'negative', 1).map((w) => w.text)).toEqual(['NUL']);
  });
});
