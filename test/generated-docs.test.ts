import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generatedDocs } from "../scripts/generated-docs.ts";

for (const doc of await generatedDocs()) {
  test(`${doc.path} is what npm run docs writes from the code`, () => {
    const written = readFileSync(new URL(`../${doc.path}`, import.meta.url), "utf8");
    assert.ok(written === doc.text, `${doc.path} is stale: run \`npm run docs\` and commit the result.`);
  });
}
