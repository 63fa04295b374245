import { toASCII, toUnicode } from "tr46";
import { checkNameLengths } from "./check-name-lengths.ts";
import { type Refusal, refuse } from "./name-check.ts";
import { uts46Options } from "./uts46-options.ts";

const combiningMark = /^\p{M}/u;

/**
 * tr46 answers null without a reason. Only on that slow path, ask it again with one check switched off at a
 * time to find which rule of UTS #46 §4.1 the name breaks, so that the refusal says what to fix.
 */
export function diagnoseIdnaFailure(name: string): Refusal {
  const withoutLengths = toASCII(name, { ...uts46Options, verifyDNSLength: false });
  if (withoutLengths !== null) {
    const display = toUnicode(withoutLengths, uts46Options).domain;
    const refusal = checkNameLengths(withoutLengths, withoutLengths.split("."), display);
    if (refusal) return refusal;
  }
  for (const label of name.split(".")) {
    const refusal = diagnoseLabel(label, name);
    if (refusal) return refusal;
  }
  if (toASCII(name, { ...uts46Options, checkBidi: false }) !== null) {
    return invalidIdn(
      `${name} breaks the Bidi rule (RFC 5893 §2): a name with right-to-left letters must keep each ` +
        "label's direction consistent, e.g. not begin a right-to-left label with a digit or mix in " +
        "left-to-right letters.",
      name,
    );
  }
  return invalidIdn(`${name} is not a valid internationalized domain name (UTS #46 §4.1).`, name);
}

function diagnoseLabel(label: string, name: string): Refusal | null {
  if (label.startsWith("xn--")) {
    if (!toUnicode(label, uts46Options).error) return null;
    return invalidIdn(
      `The label "${label}" in ${name} is not a valid A-label: its Punycode (RFC 3492) does not ` +
        "decode to a label UTS #46 accepts (§4.1). Check the name, or give it in its Unicode form.",
      name,
    );
  }
  if (/[\u200c\u200d]/u.test(label) && toASCII(label, { ...uts46Options, checkJoiners: false }) !== null) {
    return invalidIdn(
      `The label "${label}" in ${name} contains an invisible zero width joiner or non-joiner (U+200D, ` +
        "U+200C) where the script does not need one (RFC 5892 Appendix A.1, A.2). Retype the name.",
      name,
    );
  }
  if (combiningMark.test(label)) {
    return invalidIdn(
      `The label "${label}" in ${name} begins with a combining mark, which UTS #46 §4.1 does not allow.`,
      name,
    );
  }
  for (const ch of label) {
    if (ch > "\u007f" && toUnicode(ch, { useSTD3ASCIIRules: true }).error && !combiningMark.test(ch)) {
      return invalidIdn(
        `${name} contains "${ch}" (${codePoint(ch)}), which UTS #46 does not allow in a domain name. ` +
          "Check the name for a pasted symbol or a look-alike character.",
        name,
      );
    }
  }
  return null;
}

function invalidIdn(message: string, name: string): Refusal {
  return refuse("TARGET_INVALID_IDN", message, { name });
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
