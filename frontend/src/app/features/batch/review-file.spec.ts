import { guessIdColumn, guessTextColumn, linesOf, parseReviewFile, toReviews } from './review-file';

describe('review files', () => {
  it('reads a CSV with a header, detecting ; as delimiter', () => {
    const parsed = parseReviewFile('avis.csv', 'ref;avis\nA1;"Super, vraiment"\nA2;Nul\n\n');
    expect(parsed.columns).toEqual(['ref', 'avis']);
    expect(guessTextColumn(parsed.columns)).toBe('avis');
    expect(guessIdColumn(parsed.columns)).toBe('ref');
    expect(guessIdColumn(['texte', 'note'])).toBe('');
    expect(toReviews(parsed, 'avis', 'ref')).toEqual([
      { id: 'A1', text: 'Super, vraiment' },
      { id: 'A2', text: 'Nul' },
    ]);
  });

  it('numbers rows when no id column is chosen and skips empty texts', () => {
    const parsed = parseReviewFile('x.csv', 'text,label\nBien,1\n,0\nBof,0\n');
    expect(toReviews(parsed, 'text', '')).toEqual([
      { id: '1', text: 'Bien' },
      { id: '2', text: 'Bof' },
    ]);
  });

  it('reads a TXT file as one review per non-empty line', () => {
    const parsed = parseReviewFile('avis.txt', 'Bien\r\n\r\n  Nul  \n');
    expect(parsed).toEqual({ columns: ['text'], rows: [{ text: 'Bien' }, { text: 'Nul' }] });
    expect(linesOf(' a \n\n b')).toEqual(['a', 'b']);
  });
});
