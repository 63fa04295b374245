/**
 * Scripts whose letters decree tells apart. Letters of any other script count as "another script"; Common and
 * Inherited code points (digits, hyphen, combining marks, emoji, ー) belong to no script and are ignored.
 */
const scripts: readonly [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Armenian", /\p{Script=Armenian}/u],
  ["Georgian", /\p{Script=Georgian}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Syriac", /\p{Script=Syriac}/u],
  ["Thaana", /\p{Script=Thaana}/u],
  ["Han", /\p{Script=Han}/u],
  ["Hiragana", /\p{Script=Hiragana}/u],
  ["Katakana", /\p{Script=Katakana}/u],
  ["Bopomofo", /\p{Script=Bopomofo}/u],
  ["Hangul", /\p{Script=Hangul}/u],
  ["Thai", /\p{Script=Thai}/u],
  ["Lao", /\p{Script=Lao}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Bengali", /\p{Script=Bengali}/u],
  ["Tamil", /\p{Script=Tamil}/u],
  ["Ethiopic", /\p{Script=Ethiopic}/u],
  ["Cherokee", /\p{Script=Cherokee}/u],
];

const letter = /\p{L}/u;
// Common and Inherited letters (ー, the prolonged sound mark) are shared by several scripts (UAX #24).
const sharedScript = /[\p{Script=Common}\p{Script=Inherited}]/u;

/**
 * Script sets that are normal writing, not a look-alike trick: UTS #39 §5.2 "Highly Restrictive" allows one
 * script, or Latin with the scripts Japanese, Chinese and Korean are written in together.
 */
const usualMixes: readonly ReadonlySet<string>[] = [
  new Set(["Latin", "Han", "Hiragana", "Katakana"]),
  new Set(["Latin", "Han", "Bopomofo"]),
  new Set(["Latin", "Han", "Hangul"]),
];

/** The scripts of a label's letters, in order of first appearance. */
export function labelScripts(label: string): string[] {
  const found: string[] = [];
  for (const ch of label) {
    const script = scriptOf(ch);
    if (script && !found.includes(script)) found.push(script);
  }
  return found;
}

/** The scripts of a label if it mixes them in a way UTS #39 §5.2 calls suspicious; null if it does not. */
export function findMixedScripts(label: string): string[] | null {
  const found = labelScripts(label);
  if (found.length < 2) return null;
  if (usualMixes.some((mix) => found.every((script) => mix.has(script)))) return null;
  return found;
}

function scriptOf(ch: string): string | null {
  if (ch <= "\u007f") return /[a-z]/i.test(ch) ? "Latin" : null;
  if (!letter.test(ch) || sharedScript.test(ch)) return null;
  for (const [name, pattern] of scripts) if (pattern.test(ch)) return name;
  return "another script";
}
