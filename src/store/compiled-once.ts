import type { Compilable, CompiledQuery, Kysely } from "kysely";

/**
 * A hot query, built and compiled once per database and run again with each call's parameters: Kysely builds
 * and compiles a query anew each time it runs, which costs several times what SQLite takes to run a small
 * indexed read (whose prepared statement is kept: statement-cache.ts). `build` puts placeholders where the
 * parameters go, in the order they are given. A transaction is a database of its own here: compiled anew.
 */
export function compiledOnce<DB, Row>(
  build: (db: Kysely<DB>) => Compilable<Row>,
): (db: Kysely<DB>, parameters?: readonly unknown[]) => CompiledQuery<Row> {
  const compiled = new WeakMap<Kysely<DB>, CompiledQuery<Row>>();
  return (db, parameters) => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db).compile();
      compiled.set(db, query);
    }
    if (parameters === undefined) return query;
    if (parameters.length !== query.parameters.length) {
      throw new Error(`The query takes ${query.parameters.length} parameters, not ${parameters.length}.`);
    }
    return { ...query, parameters };
  };
}
