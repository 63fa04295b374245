#!/usr/bin/env node
// Node 20's test runner takes no glob patterns, so this finds the test files (src/**/*.test.ts beside the code,
// test/**/*.test.ts end to end) and hands them to `node --test` through tsx. Extra arguments select files by
// substring, e.g. `npm run test:only -- names`. It builds first (see below).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const filters = process.argv.slice(2);
const files = ["src", "test"]
  .flatMap((dir) => readdirSync(dir, { recursive: true }).map((file) => `${dir}/${file}`))
  .filter((file) => file.endsWith(".test.ts") && !file.includes("node_modules"))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test file matches ${filters.join(", ")}`);
  process.exit(1);
}
// The CLI tests run the built program (bin/decree.js runs dist/), so the build comes first: an esbuild bundle
// that takes a second, and never lets a test run a stale dist/.
const build = spawnSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
if (build.status !== 0) {
  console.error("run-tests: the build failed (npm run build); the tests would run a stale dist/");
  process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
