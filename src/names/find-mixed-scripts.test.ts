import assert from "node:assert/strict";
import { test } from "node:test";
import { findMixedScripts, labelScripts } from "./find-mixed-scripts.ts";

test("lists the scripts of a label in order of appearance", () => {
  assert.deepEqual(labelScripts("pаypal"), ["Latin", "Cyrillic"]);
});

test("ignores digits, hyphens, combining marks and emoji", () => {
  assert.deepEqual(labelScripts("a-1\u0301😀"), ["Latin"]);
});

test("ignores the prolonged sound mark, which Hiragana and Katakana share", () => {
  assert.deepEqual(labelScripts("ファッション"), ["Katakana"]);
  assert.deepEqual(labelScripts("ー"), []);
});

test("finds Latin mixed with Cyrillic", () => {
  assert.deepEqual(findMixedScripts("pаypal"), ["Latin", "Cyrillic"]);
});

test("finds Cyrillic mixed with Greek", () => {
  assert.deepEqual(findMixedScripts("аβ"), ["Cyrillic", "Greek"]);
});

test("accepts a single script", () => {
  assert.equal(findMixedScripts("пример"), null);
  assert.equal(findMixedScripts("dpstream"), null);
});

test("accepts Han with Hiragana and Katakana, which is how Japanese is written", () => {
  assert.equal(findMixedScripts("日本語ドメインです"), null);
});

test("accepts Han with Hangul, which is how Korean can be written", () => {
  assert.equal(findMixedScripts("韓國한국"), null);
});

test("finds Hangul mixed with Katakana", () => {
  assert.deepEqual(findMixedScripts("한국ドメイン"), ["Hangul", "Katakana"]);
});

test("counts a script outside the list as another script", () => {
  assert.deepEqual(findMixedScripts("aᏣ"), ["Latin", "Cherokee"]);
  assert.deepEqual(findMixedScripts("aᠮ"), ["Latin", "another script"]);
});
