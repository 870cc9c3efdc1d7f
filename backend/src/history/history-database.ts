import { resolve } from 'node:path';

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HistoryUnavailable } from '../failures/failure';
import { openEmbeddedPostgres } from './embedded-postgres';
import { migrateToLatest } from './migrations';
import { PGliteDialect } from './pglite-dialect';
import type { HistoryDatabase } from './schema';

export type HistoryBackend = 'postgres' | 'embedded' | 'off';

/** Where the configuration puts the history: the one rule every history piece follows. */
export function historyBackend(config: Pick<AppConfig, 'DATABASE_URL' | 'HISTORY_DIR'>): HistoryBackend {
  return config.DATABASE_URL ? 'postgres' : config.HISTORY_DIR ? 'embedded' : 'off';
}

const RETRY_MS = 5_000;

/**
 * The one adapter to the history database (contract: history/CONTRACT.md). PostgreSQL when DATABASE_URL is
 * set, else PGlite under HISTORY_DIR, else no history. Migrations run at boot; while the database does not
 * answer they are retried in the background and the history reads answer 503: predictions never wait on it.
 */
@Injectable()
export class HistoryDatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('HistoryDatabase');
  readonly backend: HistoryBackend;
  private kysely: Kysely<HistoryDatabase> | null = null;
  private migrated = false;
  private retry: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.backend = historyBackend(config);
  }

  get enabled(): boolean {
    return this.backend !== 'off';
  }

  /** The database once its schema is up to date; null before that (or with no history). */
  get db(): Kysely<HistoryDatabase> | null {
    return this.migrated ? this.kysely : null;
  }

  /** The database for a request: throws HistoryUnavailable (503) while it is not ready, or 'history-off'. */
  ready(): Kysely<HistoryDatabase> {
    if (this.db) return this.db;
    throw this.enabled
      ? new HistoryUnavailable('History database not reachable yet; try again shortly')
      : new HistoryUnavailable('History is off: set DATABASE_URL (PostgreSQL) or HISTORY_DIR (embedded)', 'history-off');
  }

  /** A query on a request's path: a database error becomes HistoryUnavailable (answered in failures/failure-answers.ts). */
  async answer<T>(query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch {
      throw new HistoryUnavailable('History database not answering; try again shortly');
    }
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.kysely = new Kysely<HistoryDatabase>({ dialect: await this.dialect() });
    await this.migrate();
  }

  /** Round trip to the database, for readiness. */
  async ping(): Promise<void> {
    if (!this.kysely) throw new Error('history is off');
    await sql`select 1`.execute(this.kysely);
    if (!this.migrated) throw new Error('schema not migrated yet');
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    await this.kysely?.destroy().catch(() => undefined);
  }

  private async dialect() {
    if (this.config.DATABASE_URL) {
      const pool = new Pool({ connectionString: this.config.DATABASE_URL, max: 5, connectionTimeoutMillis: 5_000 });
      // A client losing its server (a database restart, a reset connection) must not crash the process: the pool
      // handles idle clients' errors; a checked-out client's query fails (and is retried) but its 'error' event
      // needs a listener of its own, or it is thrown.
      const lost = (error: Error) => this.logger.warn(`database connection lost: ${error.message}`);
      pool.on('error', lost);
      pool.on('connect', (client) => client.on('error', lost));
      return new PostgresDialect({ pool });
    }
    return new PGliteDialect(await openEmbeddedPostgres(resolve(this.config.HISTORY_DIR)));
  }

  private async migrate(): Promise<void> {
    try {
      const applied = await migrateToLatest(this.kysely as Kysely<unknown>);
      this.migrated = true;
      this.logger.log(`history in ${this.backend === 'postgres' ? 'PostgreSQL' : `embedded PostgreSQL (${this.config.HISTORY_DIR})`}${applied.length ? `; applied ${applied.join(', ')}` : ''}`);
    } catch (error) {
      this.logger.warn(`history database not ready (${(error as Error).message}); retrying in ${RETRY_MS / 1000} s`);
      if (!this.closing) this.retry = setTimeout(() => void this.migrate(), RETRY_MS);
    }
  }
}
