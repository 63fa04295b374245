import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decreeBin } from "./support/run-cli.ts";

// How fast a command starts is mostly what it loads (bench/cli-start.ts measures it). These are the packages a
// command over SQLite without a config file has no use for, each a sizeable share of start-up once: the
// PostgreSQL client, the YAML parser and zod (both for the config file). They are CommonJS, so Node's module
// cache names them when loaded, whether by import or require.
const dir = mkdtempSync(join(tmpdir(), "decree-start-up-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const preload = join(dir, "report-loaded.cjs");
writeFileSync(
  preload,
  'process.on("exit", () => process.stderr.write("loaded: " + JSON.stringify(Object.keys(require.cache)) + "\\n"));\n',
);

/** The npm packages a decree command loaded, read from Node's module cache as the process exits. */
function loadedBy(args: string[]): Set<string> {
  const result = spawnSync(process.execPath, ["--require", preload, decreeBin, ...args], {
    cwd: dir,
    // Only what the arguments say: no DATABASE_URL or DECREE_* of the machine running the tests.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== "DATABASE_URL" && !name.startsWith("DECREE_")),
    ),
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  const line = result.stderr.split("\n").find((l) => l.startsWith("loaded: "));
  assert.ok(line, `no module list in: ${result.stderr}`);
  const files = JSON.parse(line.slice("loaded: ".length)) as string[];
  return new Set(
    files.flatMap((file) => {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      return match ? [match[1] as string] : [];
    }),
  );
}

describe("what a command loads", () => {
  it("decree status over SQLite without a config file loads neither node-pg, nor YAML, nor zod", () => {
    const data = join(dir, "registry");
    const loaded = loadedBy(["--data", data, "status"]);
    assert.ok(loaded.has("better-sqlite3"), `the store was opened: ${[...loaded].join(", ")}`);
    for (const unneeded of ["pg", "yaml", "zod"]) {
      assert.ok(!loaded.has(unneeded), `${unneeded} was loaded: ${[...loaded].join(", ")}`);
    }
  });

  it("a config file loads the YAML parser and zod to read and check it", () => {
    const file = join(dir, "decree.yaml");
    writeFileSync(file, "rpzZone: rpz.example\n");
    const loaded = loadedBy(["--config", file, "--data", join(dir, "registry"), "status"]);
    assert.ok(loaded.has("yaml") && loaded.has("zod"), [...loaded].join(", "));
  });

  it("decree --help loads no store at all", () => {
    const loaded = loadedBy(["--help"]);
    assert.ok(!loaded.has("better-sqlite3") && !loaded.has("pg"), [...loaded].join(", "));
  });
});
