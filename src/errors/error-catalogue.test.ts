import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { errorCatalogue } from "./error-catalogue.ts";

// A code nobody throws is a promise the catalogue does not keep; a code no test names may have drifted from
// what is thrown. Both are found by reading the sources, as a person would with grep.
const root = new URL("../../", import.meta.url);

function sources(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(new URL(dir, root), { recursive: true, encoding: "utf8" })
    .map((path) => `${dir}/${path}`)
    .filter((path) => /\.tsx?$/.test(path) && !path.includes("node_modules") && keep(path))
    .map((path) => readFileSync(new URL(path, root), "utf8"));
}

const isTest = (path: string) => /\.test\.tsx?$/.test(path);
const code = sources("src", (path) => !isTest(path) && !path.endsWith("errors/error-catalogue.ts")).join(
  "\n",
);
const tests = ["src", "test", "web"].flatMap((dir) => sources(dir, isTest)).join("\n");
const named = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);

test("every code of the error catalogue is thrown somewhere in src/", () => {
  const unused = Object.keys(errorCatalogue).filter((name) => !named(code, name));
  assert.deepEqual(unused, [], `never used outside the catalogue: ${unused.join(", ")}`);
});

test("every code of the error catalogue is asserted by a test", () => {
  const untested = Object.keys(errorCatalogue).filter((name) => !named(tests, name));
  assert.deepEqual(untested, [], `no test names: ${untested.join(", ")}`);
});

test("every code of the error catalogue says in one sentence how to fix it", () => {
  for (const [name, entry] of Object.entries(errorCatalogue)) {
    assert.match(entry.remedy, /^[A-Z].*[.]$/, `${name}: the remedy is one sentence`);
    assert.ok(entry.remedy.length <= 200, `${name}: the remedy is short`);
  }
});
