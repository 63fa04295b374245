import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/store/database.ts";
import { openStore } from "../../src/store/open-store.ts";
import { createTestDatabase } from "./postgres.ts";

export interface StoreUnderTest {
  store: Store;
  dispose(): Promise<void>;
}

/** The engines every store test runs against: the embedded SQLite and a real PostgreSQL. */
export const storeEngines: Array<{ name: "sqlite" | "postgres"; open(): Promise<StoreUnderTest> }> = [
  {
    name: "sqlite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "decree-sqlite-"));
      const store = await openStore({ dataDir: dir });
      return {
        store,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async open() {
      const database = await createTestDatabase();
      const store = await openStore({ databaseUrl: database.url });
      return {
        store,
        async dispose() {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];
