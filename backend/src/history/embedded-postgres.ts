import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL's buffer cache inside the API process. PGlite keeps initdb's default (128 MB), all of it resident
 * once a large job's history has gone through; the history's writes are appends and its reads recent pages,
 * which 16 MB holds (bench:footprint measures the difference).
 */
const SHARED_BUFFERS = '16MB';

// Runs in a child process: the only code the API ever hands to `node -e`, with the data directory as argument.
const INITDB = `const { PGlite } = require(process.argv[1]);
PGlite.create(process.argv[2]).then((db) => db.close()).catch((error) => { console.error(error.message); process.exit(1); });`;

/**
 * The embedded history database in `dir`, created on first use. Creating it (initdb) grows PGlite's WebAssembly
 * memory by about 500 MB that is never given back, so it runs in a child process that exits; the API then opens
 * the ready directory and stays near its working size.
 */
export async function openEmbeddedPostgres(dir: string): Promise<PGlite> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await promisify(execFile)(process.execPath, ['-e', INITDB, require.resolve('@electric-sql/pglite'), dir], { timeout: 120_000 });
  }
  // Loaded only when used: the WebAssembly build is large and PostgreSQL users never need it.
  const { PGlite } = await import('@electric-sql/pglite');
  return new PGlite(dir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`] });
}
