import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every word the UI shows comes from the French text files (core/i18n/*.fr.ts): no template holds words of its
 * own, in its text or in an attribute people read (aria-label, title, placeholder, alt). A second language is
 * then one more set of files with the same keys.
 */
const APP = join(process.cwd(), 'frontend/src/app');
/** What is not French to translate: the product's name, a command shown as code, units. */
const ALLOWED = new Set(['Allociné', 'Sentiment', 'npm', 'run', 'model:drift-baseline', 'ms', 'h']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'i18n' ? [] : files(path);
    return /\.(html|ts)$/.test(entry.name) && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function templatesOf(path: string): string[] {
  const source = readFileSync(path, 'utf-8');
  if (path.endsWith('.html')) return [source];
  return [...source.matchAll(/template: `([\s\S]*?)`,\n/g)].map((match) => match[1]);
}

function wordsShown(template: string): string[] {
  const attributes = [...template.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((match) => match[1]);
  const text = template
    .replace(/\{\{[\s\S]*?\}\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/@(if|for|else if|else|switch|case|default)\b[^{]*\{/g, ' ')
    .replace(/[{}]/g, ' ');
  return [...attributes, text].flatMap((part) => part.match(/[\p{L}][\p{L}:'’-]*/gu) ?? []).filter((word) => !ALLOWED.has(word));
}

describe('French text files', () => {
  it('hold every word a template shows', () => {
    const templates = files(APP).flatMap((path) => templatesOf(path).map((template) => ({ path, template })));
    expect(templates.length).toBeGreaterThan(12); // every page and shared component was read
    const found = templates.flatMap(({ path, template }) => wordsShown(template).map((word) => `${path.slice(APP.length + 1)}: ${word}`));
    expect(found).toEqual([]);
  });

  it('would catch a word written in a template or a read attribute', () => {
    expect(wordsShown('<p>{{ t.title }}</p> @if (x) { <span>Bonjour</span> } <input aria-label="Rechercher" [value]="v" />')).toEqual(['Rechercher', 'Bonjour']);
  });
});
