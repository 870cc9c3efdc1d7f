import { HttpStatus } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import { rowsToCsv, spreadsheetSafe } from './csv';
import { MAX_CSV_COLUMNS, decodeCsv, reviewsFromCsv } from './csv-upload';

const csv = (text: string) => Buffer.from(text, 'utf-8');
const limits = { maxRows: 10_000, maxTextChars: 5_000 };

describe('reviewsFromCsv', () => {
  it('reads the text column, keeps ids and skips blank lines', async () => {
    const reviews = await reviewsFromCsv(csv('ref,avis\nA1,"Super, vraiment"\n\nA2,Nul\n'), { textColumn: 'avis', idColumn: 'ref' }, limits);
    expect(reviews).toEqual([
      { id: 'A1', text: 'Super, vraiment' },
      { id: 'A2', text: 'Nul' },
    ]);
  });

  it('finds a "text" or "review" column by itself and numbers rows from 1', async () => {
    await expect(reviewsFromCsv(csv('\uFEFFreview,label\nBien,1\nBof,0\n'), {}, limits)).resolves.toEqual([
      { id: '1', text: 'Bien' },
      { id: '2', text: 'Bof' },
    ]);
  });

  it('honours another delimiter', async () => {
    await expect(reviewsFromCsv(csv('text;x\nBien;1\n'), { delimiter: ';' }, limits)).resolves.toEqual([{ id: '1', text: 'Bien' }]);
  });

  it('names the columns it found when the text column is missing', async () => {
    const error = await reviewsFromCsv(csv('comment,label\nBien,1\n'), {}, limits).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect((error as ApiError).message).toMatch(/columns found: comment, label/);
  });

  it('rejects a missing id column, an empty file and malformed CSV', async () => {
    await expect(reviewsFromCsv(csv('text\nBien\n'), { idColumn: 'ref' }, limits)).rejects.toThrow(/no id column "ref"/);
    await expect(reviewsFromCsv(csv('text\n'), {}, limits)).rejects.toThrow(/no rows/);
    await expect(reviewsFromCsv(csv('text\n"unclosed\n'), {}, limits)).rejects.toThrow(/could not be parsed/);
  });
});

describe('hostile and foreign CSV uploads', () => {
  it('refuses unquoted extra delimiters with a clear 400 instead of cutting the row', async () => {
    await expect(reviewsFromCsv(csv('text,label\nBien, très bien,1\n'), {}, limits)).rejects.toThrow(/Invalid Record Length.*line 2.*must be quoted/);
  });

  it('refuses a file of millions of tiny rows at once, without parsing it all', async () => {
    const huge = Buffer.from('text\n' + 'a\n'.repeat(5_000_000)); // 10 MB
    const started = performance.now();
    await expect(reviewsFromCsv(huge, {}, limits)).rejects.toThrow(/more than 10000 rows/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stops at a record far longer than a review may be', async () => {
    const long = Buffer.from(`text\n"${'x'.repeat(30_000)}"\n`);
    await expect(reviewsFromCsv(long, {}, limits)).rejects.toThrow(/far longer than a review/);
  });

  it('refuses a file wider than the column cap from its header, with a 400 naming the limit', async () => {
    const wide = Buffer.from(`text,${Array.from({ length: 12_000 }, (_, i) => `c${i}`).join(',')}\n` + `a${','.repeat(12_000)}\n`.repeat(100));
    const error = (await reviewsFromCsv(wide, {}, limits).catch((caught: unknown) => caught)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
    expect(error.message).toBe(`CSV has 12001 columns; at most ${MAX_CSV_COLUMNS} are accepted`);
    expect(error.extra).toEqual([{ path: 'file', message: `more than ${MAX_CSV_COLUMNS} columns`, code: 'too_many', limit: MAX_CSV_COLUMNS }]);
  });

  it('keeps only the text and id columns of a wide file, and lets the event loop run while it parses', async () => {
    const header = ['ref', ...Array.from({ length: 250 }, (_, i) => `c${i}`), 'text'].join(',');
    const row = (i: number) => `r${i},${'x,'.repeat(250)}avis ${i}`;
    const file = Buffer.from([header, ...Array.from({ length: 10_000 }, (_, i) => row(i))].join('\n'));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const reviews = await reviewsFromCsv(file, { idColumn: 'ref' }, limits).finally(() => clearInterval(timer));
    expect(reviews).toHaveLength(10_000);
    expect(reviews[9_999]).toEqual({ id: 'r9999', text: 'avis 9999' });
    expect(Object.keys(reviews[0])).toEqual(['id', 'text']);
    expect(ticks).toBeGreaterThan(5); // the parse yielded to timers in between slices
  });

  it("reads Windows-1252 (French Excel's default) as well as UTF-8", async () => {
    const excel = Buffer.from([...Buffer.from('text\nTr'), 0xe8, 0x73, 0x20, 0xe9, 0x6d, 0x75, 0x0a]); // "Très ému"
    expect(decodeCsv(excel)).toBe('text\nTrès ému\n');
    await expect(reviewsFromCsv(excel, {}, limits)).resolves.toEqual([{ id: '1', text: 'Très ému' }]);
    await expect(reviewsFromCsv(csv('text\nTrès ému\n'), {}, limits)).resolves.toEqual([{ id: '1', text: 'Très ému' }]);
  });
});

describe('rowsToCsv', () => {
  it('escapes cells a spreadsheet would run as formulas', () => {
    expect(['=1+1', '+33 6', '-2', '@SUM(A1)', '\tx', 'Bien = top'].map(spreadsheetSafe)).toEqual([
      "'=1+1",
      "'+33 6",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      'Bien = top',
    ]);
    const out = rowsToCsv([{ id: '=cmd', text: '=HYPERLINK("x")', status: 'error', error: { code: 'empty_text', message: '' } }], false);
    expect(out).toBe(`'=cmd,"'=HYPERLINK(""x"")",,,,,empty_text,\n`);
  });

  it('writes French Excel\'s dialect: semicolons and decimal commas', () => {
    const row = { id: '1', text: 'Bien; vraiment', status: 'done' as const, label: 'positive' as const, score: 0.91, probabilities: { negative: 0.09, positive: 0.91 }, uncertain: false, version: '1.1' };
    expect(rowsToCsv([row], true, 'excel').trim().split('\n')).toEqual([
      'id;text;label;score;probability_positive;uncertain;error;model_version',
      '1;"Bien; vraiment";positive;0,9100;0,9100;false;;1.1',
    ]);
  });

  it('writes labels, probabilities and errors, quoting commas', () => {
    const out = rowsToCsv(
      [
        { id: '1', text: 'Bien, très bien', status: 'done', label: 'positive', score: 0.91, probabilities: { negative: 0.09, positive: 0.91 }, uncertain: false },
        { id: '2', text: '', status: 'error', error: { code: 'empty_text', message: 'empty' } },
      ],
      true,
    );
    expect(out.trim().split('\n')).toEqual([
      'id,text,label,score,probability_positive,uncertain,error,model_version',
      '1,"Bien, très bien",positive,0.9100,0.9100,false,,',
      '2,,,,,,empty_text,',
    ]);
  });
});
