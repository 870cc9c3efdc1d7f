import { CompiledQuery, DatabaseConnection, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, QueryResult } from 'kysely';

/**
 * A strict double of the history database (unit specs only): PostgreSQL's SQL is compiled as for the real one
 * and recorded, and each query gets the next scripted answer (rows, or an error to throw); a query with no
 * answer left gets no rows.
 */
export function recordingDatabase<Database>(answers: Array<unknown[] | Error> = []) {
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      sent.push({ sql: query.sql, parameters: query.parameters });
      const answer = answers.shift() ?? [];
      if (answer instanceof Error) throw answer;
      return { rows: answer as R[] };
    },
    async *streamQuery() {
      throw new Error('not scripted');
    },
  };
  class ScriptedDriver extends DummyDriver {
    override async acquireConnection(): Promise<DatabaseConnection> {
      return connection;
    }
  }
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new ScriptedDriver(),
      createIntrospector: (introspected) => new PostgresIntrospector(introspected),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, sent };
}
