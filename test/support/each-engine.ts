import { after, before, describe } from "node:test";
import type { Store } from "../../src/store/database.ts";
import { type StoreUnderTest, storeEngines } from "./stores.ts";

/**
 * Declares the same suite once per store engine. Each suite gets a fresh store; `store()` returns it inside
 * tests (it is opened in a `before` hook).
 */
export function describeEachEngine(title: string, suite: (store: () => Store) => void): void {
  for (const engine of storeEngines) {
    describe(`${title} (${engine.name})`, () => {
      let opened: StoreUnderTest | undefined;
      before(async () => {
        opened = await engine.open();
      });
      after(async () => {
        await opened?.dispose();
      });
      suite(() => {
        if (!opened) throw new Error("store not opened yet");
        return opened.store;
      });
    });
  }
}

export async function countRows(store: Store, table: "orders" | "targets" | "events"): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function rowCounts(store: Store) {
  return {
    orders: await countRows(store, "orders"),
    targets: await countRows(store, "targets"),
    events: await countRows(store, "events"),
  };
}
