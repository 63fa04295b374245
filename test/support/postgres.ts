import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";

export interface TestPostgres {
  /** A URL to a fresh, empty database of its own. */
  url: string;
  drop(): Promise<void>;
}

const localServer = process.env.DECREE_TEST_POSTGRES ?? "postgresql://postgres@127.0.0.1:5432/postgres";
/** The server this process's test databases live on, settled once. */
let serverInUse: Promise<string> | undefined;

/**
 * A fresh database for one test file: on the local PostgreSQL when it answers, otherwise on a throwaway
 * cluster started from Debian's PostgreSQL binaries (stopped when the process exits). Never a mock.
 */
export async function createTestDatabase(): Promise<TestPostgres> {
  serverInUse ??= answers(localServer).then((up) => (up ? localServer : startThrowawayCluster()));
  const server = await serverInUse;
  const name = `decree_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(root, v, "bin")).find((d) => existsSync(join(d, "initdb")));
  if (!dir) throw new Error("No PostgreSQL server answers and Debian's postgresql package is not installed.");
  return dir;
}

/** initdb refuses to run as root, so as root the cluster belongs to the postgres user. */
function asPostgresUser(command: string, args: string[]): string[] {
  return process.getuid?.() === 0
    ? ["runuser", "-u", "postgres", "--", command, ...args]
    : [command, ...args];
}

async function startThrowawayCluster(): Promise<string> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "decree-pg-"));
  chmodSync(dir, 0o777);
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  const port = await freePort();
  const run = (command: string, args: string[]) => {
    const [file, ...rest] = asPostgresUser(join(bin, command), args);
    const result = spawnSync(file!, rest, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run("initdb", ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    join(dir, "data"),
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  process.once("exit", () => {
    spawnSync(
      asPostgresUser(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "stop"])[0]!,
      asPostgresUser(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "stop"]).slice(1),
    );
    rmSync(dir, { recursive: true, force: true });
  });
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}
