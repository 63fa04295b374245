#!/usr/bin/env node
// Before `npm start` and `npm test`: install exactly what package-lock.json says (`npm ci`), but only when
// node_modules is missing or was installed from another lock, so that a second run does not reinstall and no run
// rewrites the lock. The stamp is the lock's hash, written beside the install once it matches.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const lockText = readFileSync("package-lock.json", "utf8");
const lockHash = createHash("sha256").update(lockText).digest("hex");
const stamp = "node_modules/.decree-lock-sha256";

if (readOr(stamp) === lockHash) process.exit(0);
if (!installedMatches(JSON.parse(lockText))) {
  process.stderr.write("node_modules is missing or differs from package-lock.json: npm ci\n");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
writeFileSync(stamp, `${lockHash}\n`);

function readOr(path) {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** npm keeps a record of what it installed (node_modules/.package-lock.json): same versions, no need to install. */
function installedMatches(lock) {
  const installed = existsSync("node_modules/.package-lock.json")
    ? JSON.parse(readFileSync("node_modules/.package-lock.json", "utf8"))
    : undefined;
  if (!installed) return false;
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === "" || entry.optional) continue;
    if (installed.packages?.[path]?.version !== entry.version) return false;
  }
  return true;
}
