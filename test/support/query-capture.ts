import type {
  CompiledQuery,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
} from "kysely";
import type { Store } from "../../src/store/database.ts";

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
  return {
    store: { ...store, db: store.db.withPlugin(plugin) },
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
