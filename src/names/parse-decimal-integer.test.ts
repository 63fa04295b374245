import assert from "node:assert/strict";
import { test } from "node:test";
import { idOfRef, idRange, parseDecimalInteger } from "./parse-decimal-integer.ts";

test("only canonical decimal integers in range are numbers", () => {
  for (const [text, value] of [
    ["1", 1],
    ["16", 16],
    ["0", 0],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ] as const) {
    assert.deepEqual(parseDecimalInteger(text, { min: 0, max: Number.MAX_SAFE_INTEGER }), {
      ok: true,
      value,
    });
  }
  for (const text of [
    "0x10",
    "1e3",
    "",
    " 1",
    "1 ",
    "+1",
    "-1",
    "01",
    "1.0",
    "1_000",
    "０",
    "١",
    "Infinity",
    "9".repeat(17),
  ]) {
    assert.equal(parseDecimalInteger(text, idRange).ok, false, JSON.stringify(text));
  }
  assert.match((parseDecimalInteger("0", idRange) as { message: string }).message, /out of range: from 1/);
  assert.match((parseDecimalInteger("a\u0000b", idRange) as { message: string }).message, /\\u\{0\}/);
});

test("a reference is an id when it is canonical digits, refused when digits are not canonical, else a name", () => {
  assert.deepEqual(idOfRef("12"), { ok: true, value: 12 });
  assert.equal(idOfRef("012")?.ok, false);
  assert.equal(idOfRef("allostreaming.com"), undefined);
});
