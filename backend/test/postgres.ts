import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

/** The PostgreSQL every machine runs (CI included); HISTORY_TEST_DATABASE_URL names another. */
export const SERVER_URL = process.env.HISTORY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database on that server, for one test: migrations start from nothing. */
export async function freshDatabase(serverUrl = SERVER_URL): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `allocine_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory), so that it can be killed and
 * restarted without touching the shared one. As root, it runs as the `postgres` user (PostgreSQL refuses root).
 */
export function privatePostgres(port: number) {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'allocine-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  const run = (command: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]];
  execFileSync(...run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']), { stdio: 'ignore' });
  let server: ChildProcess | undefined;
  const start = () => {
    server = spawn(...run(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']), {
      stdio: 'ignore',
    });
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** A crash: SIGKILL of the postmaster (its backends follow). */
    kill: () => killPostmaster(data),
    start,
    stop: () => {
      server?.kill('SIGKILL');
      killPostmaster(data);
    },
  };
}

function killPostmaster(data: string): void {
  const pidFile = join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf-8').split('\n')[0]);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  if (!version) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return join(root, version, 'bin');
}
