/** An inclusive range a number typed by a person or sent in a request must fall in. */
export interface IntegerRange {
  min: number;
  max: number;
}

export type ParsedInteger = { ok: true; value: number } | { ok: false; message: string };

// Canonical decimal only: no sign, no leading zeros, no exponent, no hex/octal/binary prefix, no separators, no
// spaces, nothing past the 16 digits a safe integer can have. JavaScript's Number() takes all of those ("0x10" is
// 16, "1e3" is 1000, "" is 0), which is how an id in a URL came to mean another record.
const canonical = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The one parser of whole numbers for every route parameter, query parameter and command-line flag: the exact
 * text of a canonical decimal integer within `range`, or why not.
 */
export function parseDecimalInteger(text: string, range: IntegerRange): ParsedInteger {
  if (!canonical.test(text)) {
    return {
      ok: false,
      message: `"${printable(text)}" is not a whole number in plain decimal digits (no sign, leading zero, exponent or prefix)`,
    };
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    return { ok: false, message: `${text} is out of range: from ${range.min} to ${range.max}` };
  }
  return { ok: true, value };
}

/** What was sent, shortened and with control characters escaped, for a message that quotes it. */
function printable(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return short.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Ids: from 1 to the largest integer a JavaScript number holds exactly. */
export const idRange: IntegerRange = { min: 1, max: Number.MAX_SAFE_INTEGER };
/** Serials: RFC 1982 32-bit unsigned. */
export const serialRange: IntegerRange = { min: 0, max: 2 ** 32 - 1 };

/**
 * A reference that is either an id or a name (`decree targets approve 12 allostreaming.com`): the id when it is
 * all digits and canonical, an error message when it is digits that are not ("012", a 17-digit run), undefined
 * when it is not digits at all (then it is a name).
 */
export function idOfRef(ref: string): ParsedInteger | undefined {
  if (!/^[0-9]+$/.test(ref)) return undefined;
  return parseDecimalInteger(ref, idRange);
}
