/**
 * bench/cli-start: how long a `decree` command takes from the shell's point of view (spawn to exit, whole
 * process: Node's start, loading the program, the work, the exit), beside `node -e 0`, the floor any Node program
 * pays. Runs the built program (bin/decree.js → dist/), so build first. Subjects interleave in a random order with
 * random gaps, so that a spell of load on the machine falls on all of them alike. Prints one JSON line.
 * Usage: node --import tsx bench/cli-start.ts [--runs 15]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const runs = Number(values.runs);
const decree = fileURLToPath(new URL("../bin/decree.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "decree-bench-cli-"));

const subjects: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  "decree --help": [decree, "--help"],
  "decree --version": [decree, "--version"],
  "decree status": [decree, "--data", dataDir, "status"],
};

function timeOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

try {
  // The first status creates the registry and runs its migrations: measured apart, it is not the common case.
  const firstStatusMs = timeOnce(subjects["decree status"] as string[]);
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(subjects).map((name) => [name, []]),
  );
  const schedule = Object.keys(subjects).flatMap((name) => Array.from({ length: runs }, () => name));
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [schedule[i], schedule[j]] = [schedule[j] as string, schedule[i] as string];
  }
  for (const name of schedule) {
    await sleep(20 + Math.random() * 180);
    samples[name]?.push(timeOnce(subjects[name] as string[]));
  }
  const floor = median(samples["node -e 0"] as number[]);
  const medianMs = Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, Number(median(list).toFixed(1))]),
  );
  const ratio = Object.fromEntries(
    Object.entries(samples)
      .filter(([name]) => name !== "node -e 0")
      .map(([name, list]) => [name, Number((median(list) / floor).toFixed(2))]),
  );
  process.stdout.write(
    `${JSON.stringify({
      bench: "cli-start",
      includes: "spawn to exit of the whole process, wall clock; status on an existing empty SQLite registry",
      node: process.version,
      runs,
      target: { ratioToNodeE0: 3 },
      medianMs,
      ratio,
      firstStatusMs: Number(firstStatusMs.toFixed(1)),
    })}\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
