import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import type { Store } from "../src/store/database.ts";
import { openStore, type StoreOptions } from "../src/store/open-store.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { decreeBin, runCli } from "./support/run-cli.ts";

/** Enough that the import is still writing when it is killed, on a loaded machine as on an idle one. */
const names = 300_000;

const order = {
  kind: "authority-decision",
  authority: "ARCOM",
  jurisdiction: "FR",
  caseNumber: "ARCOM 2026-CRASH",
  decisionDate: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
  applicants: ["LFP"],
  addressees: [{ name: "Free", role: "operator" }],
  measures: ["dns-block"],
  deadline: "PT30M",
  validity: { from: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), duration: "P12M" },
};

async function targetsByState(store: Store): Promise<Record<string, number>> {
  const rows = await store.db
    .selectFrom("targets")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("state")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}

const engines: Array<{
  name: string;
  open(
    dir: string,
  ): Promise<{ args: string[]; options: StoreOptions; writing(): Promise<boolean>; drop(): Promise<void> }>;
}> = [
  {
    name: "sqlite",
    async open(dir) {
      const data = join(dir, "data");
      const wal = join(data, "decree.db-wal");
      return {
        args: ["--data", data],
        options: { dataDir: data },
        // The import's transaction has spilled pages into the write-ahead log: it is well under way.
        writing: async () => existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024,
        drop: async () => {},
      };
    },
  },
  {
    name: "postgres",
    async open() {
      const database = await createTestDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      let since: number | undefined;
      return {
        args: ["--database-url", database.url],
        options: { databaseUrl: database.url },
        // A transaction of the import has written (it has a transaction id), for a second at least.
        writing: async () => {
          const { rows } = await client.query(
            "select count(*)::int as n from pg_stat_activity where datname = current_database() " +
              "and backend_xid is not null and pid <> pg_backend_pid()",
          );
          if (rows[0].n === 0) return false;
          since ??= Date.now();
          return Date.now() - since > 1000;
        },
        drop: async () => {
          await client.end();
          await database.drop();
        },
      };
    },
  },
];

describe("an import killed with SIGKILL half-way", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-import-crash-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "names.txt");
  writeFileSync(
    file,
    `${Array.from({ length: names }, (_, i) => `mirror${i}.crash-films-${i % 97}.com`).join("\n")}\n`,
  );
  writeFileSync(join(dir, "order.json"), JSON.stringify(order));

  for (const engine of engines) {
    it(`leaves the store openable, with nothing of the import and every approved entry (${engine.name})`, async () => {
      const store = await engine.open(join(dir, engine.name));
      try {
        const cli = (...args: string[]) => runCli([...store.args, ...args]);
        assert.equal((await cli("orders", "add", join(dir, "order.json"))).code, 0);
        assert.equal((await cli("targets", "add", "1", "kept.example-films.com")).code, 0);
        const approved = await cli("targets", "approve", "1", "--reason", "ordered");
        assert.equal(approved.code, 0, approved.stderr);

        const importer = spawn(
          process.execPath,
          [decreeBin, ...store.args, "--json", "targets", "import", "1", file],
          {
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let exited = false;
        importer.once("exit", () => {
          exited = true;
        });
        await pollUntil(
          "the import to be writing",
          async () => (exited || (await store.writing()) ? true : undefined),
          {
            timeoutMs: 120_000,
            intervalMs: 20,
          },
        );
        assert.equal(exited, false, `the import ended before it could be killed; raise \`names\` (${names})`);
        importer.kill("SIGKILL");
        await new Promise((resolve) =>
          importer.exitCode === null ? importer.once("exit", resolve) : resolve(null),
        );

        const reopened = await openStore(store.options);
        try {
          assert.deepEqual(await targetsByState(reopened), { active: 1 }, "nothing of the import is visible");
          const proposed = await reopened.db
            .selectFrom("events")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("action", "=", "target.proposed")
            .executeTakeFirstOrThrow();
          assert.equal(Number(proposed.n), 1, "only the kept entry's proposal is on the record");
          if (reopened.dialect === "sqlite") {
            const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
              reopened.db,
            );
            assert.deepEqual(rows, [{ integrity_check: "ok" }]);
          }
        } finally {
          await reopened.close();
        }
        // The store takes the next import as if nothing had happened.
        writeFileSync(join(dir, "small.txt"), "after-crash.example-films.com\nkept.example-films.com\n");
        const again = await cli("--json", "targets", "import", "1", join(dir, "small.txt"), "--skip-invalid");
        assert.equal(again.code, 0, again.stderr);
        assert.equal(JSON.parse(again.stdout).added, 1);
      } finally {
        await store.drop();
      }
    });
  }
});
