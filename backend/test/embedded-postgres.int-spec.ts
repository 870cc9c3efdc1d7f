import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openEmbeddedPostgres } from '../src/history/embedded-postgres';

/**
 * The embedded history database as `npm start` opens it: created by a child process (initdb grows PGlite's
 * WebAssembly memory by ~500 MB that would stay in the API), with a 16 MB buffer cache, and kept across opens.
 */
describe('embedded PostgreSQL (PGlite)', () => {
  it('is created outside the API process, with a small buffer cache, and keeps its rows', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'embedded-pg-')), 'history');
    const before = process.memoryUsage().rss;
    const db = await openEmbeddedPostgres(dir);
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    // Opening a ready directory costs the module and the buffers (~170 MB); initdb in this process cost ~700 MB.
    expect(grown).toBeLessThan(400);
    expect((await db.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers).toBe('16MB');
    await db.exec("create table kept (review text); insert into kept values ('Un film magnifique.')");
    await db.close();

    const again = await openEmbeddedPostgres(dir);
    expect((await again.query<{ review: string }>('select review from kept')).rows).toEqual([{ review: 'Un film magnifique.' }]);
    await again.close();
  });
});
