import assert from "node:assert/strict";
import { test } from "node:test";
import { errorCatalogue } from "./error-catalogue.ts";
import { errorTextsFr } from "./error-texts-fr.ts";

const codes = Object.keys(errorCatalogue) as (keyof typeof errorCatalogue)[];

// Text that is only a technical token (a command, a path, a name one types) reads the same in both languages.
const technicalToken = /^[`\w./:{}<>@-]+$/;

test("the French texts list every code of the catalogue, in the catalogue's order", () => {
  assert.deepEqual(Object.keys(errorTextsFr), codes);
});

test("every code has a non-empty French title and remedy", () => {
  for (const code of codes) {
    assert.ok(errorTextsFr[code].title.trim() !== "", `${code}: empty title`);
    assert.ok(errorTextsFr[code].remedy.trim() !== "", `${code}: empty remedy`);
  }
});

test("no French text is the English one left untranslated, unless it is only a technical token", () => {
  for (const code of codes) {
    for (const field of ["title", "remedy"] as const) {
      const french = errorTextsFr[code][field];
      if (technicalToken.test(french)) continue;
      assert.notEqual(french, errorCatalogue[code][field], `${code}: the ${field} is still English`);
    }
  }
});

test("every French remedy is a sentence ending with a period, and no title ends with one", () => {
  for (const code of codes) {
    assert.match(errorTextsFr[code].remedy, /^\p{Lu}.*[.]$/u, `${code}: the remedy ends with a period`);
    assert.doesNotMatch(errorTextsFr[code].title, /[.]$/, `${code}: the title ends with a period`);
  }
});

test("the French keeps every option and every quoted command of the English as it is typed", () => {
  for (const code of codes) {
    const english = `${errorCatalogue[code].title} ${errorCatalogue[code].remedy}`;
    const french = `${errorTextsFr[code].title} ${errorTextsFr[code].remedy}`;
    const tokens = [...english.matchAll(/`[^`]+`|--[a-z][a-z-]*/g)].map(([token]) => token);
    for (const token of tokens) assert.ok(french.includes(token), `${code}: ${token} is missing`);
  }
});
