import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
} from "kysely";
import type { Database, Store } from "../../src/store/database.ts";

/** One statement the code sent, as the engine received it, and the path that sent it. */
export interface CapturedQuery {
  path: string;
  sql: string;
  parameters: readonly unknown[];
}

/**
 * A store whose every statement (built queries, raw `sql`, transactions included) is recorded as compiled, so
 * that a test can ask the engine how it plans exactly what the code runs, not a copy that drifts from it.
 * Statements are compiled a second time here by the store's own executor, which adds nothing to them.
 * Statements the code compiles itself and runs as a `CompiledQuery` (bulk inserts, array reads) pass no
 * plugin on their way to the engine, so they are recorded where they are run, in a transaction or not.
 */
export function capturingStore(store: Store): {
  store: Store;
  queries: CapturedQuery[];
  during<T>(path: string, run: () => Promise<T>): Promise<T>;
} {
  const queries: CapturedQuery[] = [];
  let path = "setup";
  const executor = store.db.getExecutor();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs) {
      const compiled: CompiledQuery = executor.compileQuery(args.node, args.queryId);
      queries.push({ path, sql: compiled.sql, parameters: compiled.parameters });
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs) {
      return args.result;
    },
  };
  const record = (compiled: CompiledQuery) =>
    queries.push({ path, sql: compiled.sql, parameters: compiled.parameters });
  return {
    store: { ...store, db: recordingRaw(store.db.withPlugin(plugin), record) },
    queries,
    async during(name, run) {
      const before = path;
      path = name;
      try {
        return await run();
      } finally {
        path = before;
      }
    },
  };
}

/**
 * `db` with every precompiled statement it runs passed to `record` first, and the same for the transactions
 * and connections it opens. Methods are bound to the real instance, whose private state a proxy cannot reach.
 */
function recordingRaw(db: Kysely<Database>, record: (compiled: CompiledQuery) => void): Kysely<Database> {
  return new Proxy(db, {
    get(target, property) {
      if (property === "executeQuery") {
        return (query: CompiledQuery | { compile(): CompiledQuery }, queryId?: never) => {
          // A query builder was compiled, and so recorded, by the plugin already.
          if (!("compile" in query)) record(query);
          return target.executeQuery(query as CompiledQuery, queryId);
        };
      }
      if (property === "transaction" || property === "connection") {
        return () => recordingBuilder(target[property](), record);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A transaction or connection builder whose `execute` hands its callback a recording `db`. */
function recordingBuilder<B extends object>(builder: B, record: (compiled: CompiledQuery) => void): B {
  return new Proxy(builder, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "execute") {
        return (work: (db: Kysely<Database>) => Promise<unknown>) =>
          value.call(target, (db: Kysely<Database>) => work(recordingRaw(db, record)));
      }
      // The isolation level and access mode return a new builder.
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result === target || typeof result !== "object" || result === null || result instanceof Promise
          ? result
          : recordingBuilder(result, record);
      };
    },
  });
}
