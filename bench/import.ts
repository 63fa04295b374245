/**
 * bench/import: bulk import of generated names (normalize + Public Suffix List + store, in one transaction) into
 * SQLite and into PostgreSQL, each in a process of its own so that peak memory is the import's alone.
 * Prints one JSON line. Usage: node --import tsx bench/import.ts [--names 1000000]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { addTargets } from "../src/intake/add-targets.ts";
import { findOrder } from "../src/intake/find-order.ts";
import { readTargetFile } from "../src/intake/parse-target-file.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { openStore } from "../src/store/open-store.ts";
import { createTestDatabase } from "../test/support/postgres.ts";
import { sampleOrder } from "../test/support/sample-order.ts";
import { suffixes, words } from "./support/name-parts.ts";

const { values } = parseArgs({
  options: {
    names: { type: "string", default: "1000000" },
    engine: { type: "string" },
    file: { type: "string" },
  },
});
const count = Number(values.names);

/** Names shaped like a real blocklist: mirror-style second-level names and some hosts below them. */
function generateNames(n: number): string {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = `${words[next() % words.length]}${words[next() % words.length]}${i}`;
    const host = next() % 4 === 0 ? `www.${base}` : base;
    lines.push(`${host}.${suffixes[next() % suffixes.length]}`);
  }
  return `${lines.join("\n")}\n`;
}

async function importInto(engine: "sqlite" | "postgres", file: string) {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-"));
  const database = engine === "postgres" ? await createTestDatabase() : undefined;
  const store = await openStore(database ? { databaseUrl: database.url } : { dataDir: dir });
  try {
    const now = new Date("2026-06-01T00:00:00Z");
    const { order } = await recordOrder(store, sampleOrder(), { actor: "bench", now });
    const started = performance.now();
    const requests = await readTargetFile(file);
    const result = await inTransaction(store.db, async (trx) =>
      addTargets(trx, await findOrder(trx, order.id), requests, { actor: "bench", now }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      names: result.added.length,
      seconds: Number(seconds.toFixed(2)),
      namesPerSecond: Math.round(result.added.length / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await store.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.engine === "sqlite" || values.engine === "postgres") {
  process.stdout.write(`${JSON.stringify(await importInto(values.engine, values.file ?? ""))}\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-names-"));
  const file = join(dir, "names.txt");
  writeFileSync(file, generateNames(count));
  const self = fileURLToPath(import.meta.url);
  const run = (engine: string) =>
    JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", self, "--engine", engine, "--file", file], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 1 << 20,
      }),
    );
  const sqlite = run("sqlite");
  const postgres = run("postgres");
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ bench: "import", names: count, target: { sqliteNamesPerSecond: 100000 }, sqlite, postgres })}\n`,
  );
}
