import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

// docs/configuration.md is written by hand, so this keeps it complete: every key of the config file and every
// environment variable the code reads must be described there.
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const doc = read("docs/configuration.md");
const loadConfig = read("src/config/load-config.ts");

test("docs/configuration.md describes every key of the config file", () => {
  const schema = loadConfig.slice(loadConfig.indexOf("const fileSchema"), loadConfig.indexOf(".strict()"));
  const keys = [...schema.matchAll(/^\s+(\w+): z\./gm)].map((match) => match[1]!);
  assert.ok(keys.length > 10, "the config file's schema was found");
  const missing = keys.filter((key) => !doc.includes(`\`${key}\``));
  assert.deepEqual(missing, [], `not in docs/configuration.md: ${missing.join(", ")}`);
});

test("docs/configuration.md describes every environment variable decree reads", () => {
  const sources = readdirSync(new URL("../src", import.meta.url), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts") && !path.endsWith(".test.ts"))
    .map((path) => read(`src/${path}`));
  const names = new Set(
    sources
      .flatMap((text) => [...text.matchAll(/\bprocess\.env\.(\w+)|\benv\.(\w+)/g)])
      .map((m) => m[1] ?? m[2]!),
  );
  names.delete("USER");
  const missing = [...names].filter((name) => !doc.includes(`\`${name}\``));
  assert.deepEqual(missing, [], `not in docs/configuration.md: ${missing.join(", ")}`);
});
