import { z } from 'zod';

import { loadConfig } from '../config/app-config';
import { parseOrThrow } from './parse';
import { FREE_TEXT_PATTERN, createJobRequest, predictRequestSchemas, reviewText } from './schemas';
import { ApiError } from '../common/api-errors';

const limits = loadConfig({ MAX_TEXT_CHARS: '20', MAX_TEXTS_PER_REQUEST: '3', MAX_REVIEWS_PER_JOB: '4' });

function details(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return (error as ApiError).extra;
  }
  throw new Error('expected a validation error');
}

describe('predictRequestSchemas', () => {
  const schemaFor = predictRequestSchemas(limits);
  const parse = (body: unknown) => parseOrThrow(schemaFor(body), body, 'prediction request');

  it('accepts one text or a list, trimming whitespace', () => {
    expect(parse({ text: '  Bien  ' })).toEqual({ text: 'Bien' });
    expect(parse({ texts: ['a', 'b'] })).toEqual({ texts: ['a', 'b'] });
  });

  it.each([
    [{ text: '   ' }, 'text', 'text is empty', { code: 'empty' }],
    [{ text: 7 }, 'text', 'text must be a string', { code: 'wrong_type' }],
    [{}, 'text', 'text is required', { code: 'required' }],
    [{ text: 'x'.repeat(21) }, 'text', 'text is longer than 20 characters', { code: 'too_long', limit: 20 }],
    [{ texts: [] }, 'texts', 'texts is empty', { code: 'empty' }],
    [{ texts: ['a', 'b', 'c', 'd'] }, 'texts', 'at most 3 texts per request', { code: 'too_many', limit: 3 }],
    [{ texts: ['ok', ''] }, 'texts.1', 'text is empty', { code: 'empty' }],
    [{ texts: 'a' }, 'texts', 'texts must be an array of strings', { code: 'wrong_type' }],
    [['a'], '(body)', 'expected a JSON object', { code: 'wrong_type' }],
  ])('rejects %j at %s, with a code clients can word themselves', (body, path, message, code) => {
    expect(details(() => parse(body))).toEqual(expect.arrayContaining([{ path, message, ...code }]));
  });

  it('rejects unknown fields', () => {
    expect(details(() => parse({ text: 'a', lang: 'fr' }))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/lang/), code: 'unknown_field' }),
    ]);
  });
});

describe('createJobRequest', () => {
  const parse = (body: unknown) => parseOrThrow(createJobRequest(limits), body, 'job request');

  it('accepts reviews with optional ids (numbers become strings)', () => {
    expect(parse({ reviews: [{ text: 'a' }, { id: 7, text: 'b' }] })).toEqual({
      reviews: [{ text: 'a' }, { id: '7', text: 'b' }],
    });
  });

  it('limits the number of reviews and reports each bad one', () => {
    expect(details(() => parse({ reviews: Array(5).fill({ text: 'a' }) }))).toEqual([
      { path: 'reviews', message: 'at most 4 reviews per job', code: 'too_many', limit: 4 },
    ]);
    expect(details(() => parse({ reviews: [{ text: '' }, { text: 'ok' }, { id: '', text: 'x' }] }))).toEqual([
      { path: 'reviews.0.text', message: 'text is empty', code: 'empty' },
      { path: 'reviews.2.id', message: 'id is empty', code: 'empty' },
    ]);
  });

  it('caps the details at 20', () => {
    const many = loadConfig({ MAX_REVIEWS_PER_JOB: '100' });
    const list = details(() => parseOrThrow(createJobRequest(many), { reviews: Array(50).fill({ text: '' }) }, 'x'));
    expect((list as unknown[]).length).toBe(20);
  });
});

describe('control characters', () => {
  const single = predictRequestSchemas(limits);
  const job = createJobRequest(limits);
  const control = 'contains a control character (U+0000 to U+001F other than tab, line feed and carriage return)';

  it('refuses NUL and other C0 characters per field, with their own code', () => {
    expect(details(() => parseOrThrow(single({ text: 'a\u0000b' }), { text: 'a\u0000b' }, 'x'))).toEqual([
      { path: 'text', message: `text ${control}`, code: 'control_character' },
    ]);
    const body = {
      name: 'lot\u0007',
      reviews: [{ id: 'r\u0001', text: 'Bien' }, { text: 'x\u0008' }],
    };
    expect(details(() => parseOrThrow(job, body, 'job'))).toEqual(
      expect.arrayContaining([
        { path: 'name', message: `name ${control}`, code: 'control_character' },
        { path: 'reviews.0.id', message: `id ${control}`, code: 'control_character' },
        { path: 'reviews.1.text', message: `text ${control}`, code: 'control_character' },
      ]),
    );
  });

  it('takes metadata as any JSON object, control characters included (its schema cannot say otherwise)', () => {
    const metadata = { 'k\u0000': ['a\u001b', { b: 1 }] };
    expect(parseOrThrow(job, { metadata, reviews: [{ text: 'Bien' }] }, 'job')).toMatchObject({ metadata });
  });

  it('keeps tab, line feed and carriage return, which reviews do hold', () => {
    expect(parseOrThrow(single({ text: 'Bien\tvraiment\r\nbien' }), { text: 'Bien\tvraiment\r\nbien' }, 'x')).toEqual({ text: 'Bien\tvraiment\r\nbien' });
  });
});

describe('the documented pattern and the validation agree', () => {
  const text = reviewText(limits);
  const pattern = new RegExp(FREE_TEXT_PATTERN, 'u');
  // Whitespace JavaScript trims and Python's \s does not (U+FEFF) and the reverse (U+0085, U+001C), control
  // characters, astral characters, and text around them.
  const samples = [
    'Bien', ' Bien ', '\t\r\nBien\n', '', ' ', '\t\n', '\ufeff', '\u00a0\u3000', '\u0085', 'a\u0085', '\u001c', 'a\u001cb', '\u0000',
    'a\u0000', '\u007f', '\u2028x\u2029', '\u200b', '😀', ' 😀 ', 'é', '\u000b', 'x\u000c', '\u001fx',
  ];

  it.each(samples.map((sample) => [JSON.stringify(sample), sample]))('agree on %s', (_name, sample) => {
    expect(text.safeParse(sample).success).toBe(pattern.test(sample));
  });

  it('counts characters as JSON Schema does (code points), before trimming', () => {
    const short = reviewText({ ...limits, MAX_TEXT_CHARS: 3 });
    expect(short.safeParse('😀😀😀').success).toBe(true); // six UTF-16 units, three characters
    expect(short.safeParse(' ab ').success).toBe(false); // four characters as sent
    expect(details(() => parseOrThrow(z.object({ text: short }), { text: 'abcd' }, 'x'))).toEqual([
      { path: 'text', message: 'text is longer than 3 characters', code: 'too_long', limit: 3 },
    ]);
  });
});
