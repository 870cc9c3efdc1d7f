import { HttpStatus } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import { reviewsFromCsv, rowsToCsv } from './csv';

const csv = (text: string) => Buffer.from(text, 'utf-8');

describe('reviewsFromCsv', () => {
  it('reads the text column, keeps ids and skips blank lines', () => {
    const reviews = reviewsFromCsv(csv('ref,avis\nA1,"Super, vraiment"\n\nA2,Nul\n'), { textColumn: 'avis', idColumn: 'ref' });
    expect(reviews).toEqual([
      { id: 'A1', text: 'Super, vraiment' },
      { id: 'A2', text: 'Nul' },
    ]);
  });

  it('finds a "text" or "review" column by itself and numbers rows from 1', () => {
    expect(reviewsFromCsv(csv('\uFEFFreview,label\nBien,1\nBof,0\n'), {})).toEqual([
      { id: '1', text: 'Bien' },
      { id: '2', text: 'Bof' },
    ]);
  });

  it('honours another delimiter', () => {
    expect(reviewsFromCsv(csv('text;x\nBien;1\n'), { delimiter: ';' })).toEqual([{ id: '1', text: 'Bien' }]);
  });

  it('names the columns it found when the text column is missing', () => {
    expect.assertions(3);
    try {
      reviewsFromCsv(csv('comment,label\nBien,1\n'), {});
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect((error as ApiError).message).toMatch(/columns found: comment, label/);
    }
  });

  it('rejects a missing id column, an empty file and malformed CSV', () => {
    expect(() => reviewsFromCsv(csv('text\nBien\n'), { idColumn: 'ref' })).toThrow(/no id column "ref"/);
    expect(() => reviewsFromCsv(csv('text\n'), {})).toThrow(/no rows/);
    expect(() => reviewsFromCsv(csv('text\n"unclosed\n'), {})).toThrow(/could not be parsed/);
  });
});

describe('rowsToCsv', () => {
  it('writes labels, probabilities and errors, quoting commas', () => {
    const out = rowsToCsv(
      [
        { id: '1', text: 'Bien, très bien', status: 'done', label: 'positive', score: 0.91, probabilities: { negative: 0.09, positive: 0.91 }, uncertain: false },
        { id: '2', text: '', status: 'error', error: { code: 'empty_text', message: 'empty' } },
      ],
      true,
    );
    expect(out.trim().split('\n')).toEqual([
      'id,text,label,score,probability_positive,uncertain,error',
      '1,"Bien, très bien",positive,0.9100,0.9100,false,',
      '2,,,,,,empty_text',
    ]);
  });
});
