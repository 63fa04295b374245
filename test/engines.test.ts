import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string } | string[];
}

// semver is npm's own reading of version ranges; it is in the install already (a dependency of dependencies).
const semver = createRequire(import.meta.url)("semver") as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

test("every package decree runs with accepts the oldest Node that package.json's engines admits", () => {
  const manifest = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
  const oldest = semver.minVersion(manifest.engines.node)?.version;
  assert.ok(oldest, manifest.engines.node);
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const refusing = Object.entries(lock.packages)
    .filter(
      ([path, entry]) => path !== "" && !entry.dev && !Array.isArray(entry.engines) && entry.engines?.node,
    )
    .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
    .map(
      ([path, entry]) => `${path}@${entry.version} wants node ${(entry.engines as { node: string }).node}`,
    );
  assert.deepEqual(refusing, [], `Node ${oldest} is refused by run-time dependencies`);
});
