/**
 * bench/import: `decree targets import` of N generated names, the command a user runs (a whole process: start,
 * identity, reading the file as a stream, the names module, every safeguard check, targets, events and
 * findings, one transaction), into SQLite and into PostgreSQL, side by side with each engine's own bulk load
 * of the same file in the same run: `sqlite3 .import` and PostgreSQL `COPY … FROM STDIN` (psql's \copy), each
 * into a one-column table, bare and with an index on the name. Peak memory is the decree process's own high
 * water mark (VmHWM of /proc/PID/status, read until it exits). One run of each (an import of a million takes
 * tens of seconds; the figure is that run's, not a median). Prints one JSON line.
 * Usage: flock /tmp/bench.lock node --import tsx bench/import.ts [--names 1000000] [--stores sqlite,postgres]
 * (`--stores sqlite` for a run of ten million, whose PostgreSQL half would take a quarter of an hour more).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTestDatabase, type TestPostgres } from "../test/support/postgres.ts";
import { suffixes, words } from "./support/name-parts.ts";
import { ensurePackages } from "./support/system-packages.ts";

const { values } = parseArgs({
  options: {
    names: { type: "string", default: "1000000" },
    stores: { type: "string", default: "sqlite,postgres" },
  },
});
const count = Number(values.names);
const stores = new Set(values.stores.split(","));
const decree = fileURLToPath(new URL("../bin/decree.js", import.meta.url));

/** Names shaped like a real blocklist: mirror-style second-level names and some hosts below them. */
async function writeNames(path: string, n: number): Promise<void> {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = `${words[next() % words.length]}${words[next() % words.length]}${i}`;
    const host = next() % 4 === 0 ? `www.${base}` : base;
    chunk.push(`${host}.${suffixes[next() % suffixes.length]}\n`);
    if (chunk.length === 10_000 || i === n - 1) {
      if (!out.write(chunk.join("")))
        await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = [];
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
}

const order = {
  kind: "authority-decision",
  authority: "ARCOM",
  jurisdiction: "FR",
  caseNumber: "ARCOM 2026-BENCH",
  decisionDate: new Date().toISOString().slice(0, 10),
  applicants: ["LFP"],
  addressees: [{ name: "Free", role: "operator" }],
  measures: ["dns-block"],
  deadline: "PT30M",
  validity: { from: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), duration: "P12M" },
};

interface Measured {
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command to its end, timing it and following its peak resident memory. */
function measure(command: string, args: string[], input?: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child: ChildProcess = spawn(command, args, { stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    if (input) child.stdin?.end(input);
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // gone already: the last reading stands
      }
    }, 20);
    child.stdout?.on("data", (data: Buffer) => (stdout += data));
    child.stderr?.on("data", (data: Buffer) => (stderr += data));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr}`));
      else resolve({ seconds, peakRssMb: Math.round(peakKb / 1024), stdout });
    });
  });
}

function rate(seconds: number) {
  return { seconds: Number(seconds.toFixed(2)), namesPerSecond: Math.round(count / seconds) };
}

async function decreeImport(store: string[], file: string) {
  execFileSync(process.execPath, [decree, ...store, "--json", "orders", "add", join(work, "order.json")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const run = await measure(process.execPath, [decree, ...store, "--json", "targets", "import", "1", file]);
  const report = JSON.parse(run.stdout) as { added: number; findings: { counts: Record<string, number> } };
  return {
    names: report.added,
    ...rate(run.seconds),
    peakRssMb: run.peakRssMb,
    findings: report.findings.counts,
  };
}

async function sqlitePeer(file: string, indexed: boolean) {
  const db = join(work, `peer-${indexed}.db`);
  const schema = indexed
    ? "create table names(name text); create index names_name on names(name);"
    : "create table names(name text);";
  const run = await measure("sqlite3", [db, "pragma journal_mode = wal;", schema, `.import ${file} names`]);
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  return rate(run.seconds);
}

async function postgresPeer(database: TestPostgres, file: string, indexed: boolean) {
  const table = indexed ? "peer_indexed" : "peer_bare";
  const index = indexed ? `create index on ${table}(name);` : "";
  execFileSync("psql", [database.url, "-qc", `create table ${table}(name text); ${index}`]);
  const run = await measure("psql", [database.url, "-qc", `\\copy ${table} from '${file}'`]);
  return rate(run.seconds);
}

ensurePackages(["sqlite3", "postgresql-client"]);
const work = mkdtempSync(join(tmpdir(), "decree-bench-import-"));
const databases: TestPostgres[] = [];
try {
  const file = join(work, "names.txt");
  await writeNames(file, count);
  await import("node:fs/promises").then((fs) =>
    fs.writeFile(join(work, "order.json"), JSON.stringify(order)),
  );
  const load = () => readFileSync("/proc/loadavg", "utf8").trim();
  const loadBefore = load();

  const sqliteEngine = stores.has("sqlite")
    ? { bare: await sqlitePeer(file, false), indexed: await sqlitePeer(file, true) }
    : undefined;
  const sqlite = stores.has("sqlite") ? await decreeImport(["--data", join(work, "data")], file) : undefined;

  let postgres: Awaited<ReturnType<typeof decreeImport>> | undefined;
  let postgresEngine: { bare: ReturnType<typeof rate>; indexed: ReturnType<typeof rate> } | undefined;
  if (stores.has("postgres")) {
    const peerDatabase = await createTestDatabase();
    databases.push(peerDatabase);
    postgresEngine = {
      bare: await postgresPeer(peerDatabase, file, false),
      indexed: await postgresPeer(peerDatabase, file, true),
    };
    const decreeDatabase = await createTestDatabase();
    databases.push(decreeDatabase);
    postgres = await decreeImport(["--database-url", decreeDatabase.url], file);
  }

  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : Number((a / b).toFixed(3));
  process.stdout.write(
    `${JSON.stringify({
      bench: "import",
      names: count,
      fileMb: Math.round(statSync(file).size / 1e6),
      includes:
        "decree: the whole `decree targets import` process (start, file streamed, names, every safeguard check, " +
        "targets + events + findings, one transaction); peers: the engine's bulk load of the same file into one column",
      target: { sqliteNamesPerSecond: 100000, ratioToEngine: 0.5, peakRssMb: 1024 },
      sqlite,
      postgres,
      peers: { sqlite3Import: sqliteEngine, postgresCopy: postgresEngine },
      ratios: {
        sqliteToImport: ratio(sqlite?.namesPerSecond, sqliteEngine?.bare.namesPerSecond),
        sqliteToIndexedImport: ratio(sqlite?.namesPerSecond, sqliteEngine?.indexed.namesPerSecond),
        postgresToCopy: ratio(postgres?.namesPerSecond, postgresEngine?.bare.namesPerSecond),
        postgresToIndexedCopy: ratio(postgres?.namesPerSecond, postgresEngine?.indexed.namesPerSecond),
      },
      load: { before: loadBefore, after: load() },
    })}\n`,
  );
} finally {
  for (const database of databases) await database.drop();
  rmSync(work, { recursive: true, force: true });
}
