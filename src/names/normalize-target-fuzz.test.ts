import assert from "node:assert/strict";
import { test } from "node:test";
import { errorCatalogue } from "../errors/error-catalogue.ts";
import { normalizeTarget } from "./normalize-target.ts";
import { targetKinds } from "./target-kind.ts";

// Pieces that exercise every branch: separators, IP syntax, URL syntax, IDNA edge cases, lone surrogates.
const pieces = [
  "a",
  "Z",
  "0",
  "9",
  "-",
  "--",
  ".",
  "..",
  ":",
  "::",
  "/",
  "//",
  "\\",
  "?",
  "#",
  "@",
  "%",
  "[",
  "]",
  "*",
  "*.",
  "_",
  " ",
  "\t",
  "\n",
  "\u0000",
  "xn--",
  "xn--zz",
  "https://",
  "http://",
  "ftp://",
  "javascript:",
  "0x",
  "ffff",
  "255",
  "256",
  "010",
  "ü",
  "ß",
  "ς",
  "Σ",
  "\u200c",
  "\u200d",
  "\u0301",
  "\u00ad",
  "\u3002",
  "\uff0e",
  "ｅ",
  "א",
  "ب",
  "1",
  "例",
  "😀",
  "\ud800",
  "\udc00",
  "\u2488",
  "com",
  "co.uk",
  "localhost",
  "/24",
  "/48",
  "/129",
  "%25",
];

/** A small deterministic generator (mulberry32), so that a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("never throws and always answers with a known code, for any string", () => {
  const next = random(20131128);
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + Math.floor(next() * 12);
    let input = "";
    for (let j = 0; j < length; j++) input += pieces[Math.floor(next() * pieces.length)];
    const kind = next() < 0.5 ? undefined : targetKinds[Math.floor(next() * targetKinds.length)];
    const result = normalizeTarget(input, kind);
    assert.equal(result.input, input);
    if (result.ok) {
      assert.ok(result.value.length > 0, `empty value for ${JSON.stringify(input)}`);
      assert.ok(result.display.length > 0, `empty display for ${JSON.stringify(input)}`);
    } else {
      assert.ok(result.code in errorCatalogue, `unknown code ${result.code}`);
      assert.doesNotMatch(
        result.message,
        /cannot be read as a target/,
        `threw inside for ${JSON.stringify(input)}`,
      );
    }
  }
});

test("never throws on very long input", () => {
  for (const input of ["a".repeat(100_000), `${"ü".repeat(10_000)}.de`, `https://${"a.".repeat(5_000)}tv/`]) {
    assert.equal(normalizeTarget(input).ok, false);
  }
});
