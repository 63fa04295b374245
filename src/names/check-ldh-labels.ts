import { type Refusal, refuse } from "./name-check.ts";

// RFC 952 and RFC 1123 §2.1: a host name label is letters, digits and hyphens (LDH). Non-ASCII code points
// are left to UTS #46; this only looks at the ASCII ones so that each mistake gets its own code.
const nonLdhAscii = /[^a-z0-9\-\u0080-\u{10ffff}]/u;
const numeric = /^(?:\d+|0x[0-9a-f]*)$/;
const nonAscii = /[\u0080-\u{10ffff}]/u;

/**
 * Checks the labels of a lowercased, mapped name against the rules that UTS #46 would refuse without saying
 * why: empty labels, characters outside LDH, and hyphens where RFC 5891 §4.2.3.1 forbids them.
 */
export function checkLdhLabels(labels: readonly string[], name: string): Refusal | null {
  for (const [index, label] of labels.entries()) {
    const refusal = checkLabel(label, index, labels.length, name);
    if (refusal) return refusal;
  }
  return null;
}

function checkLabel(label: string, index: number, count: number, name: string): Refusal | null {
  if (label === "") return emptyLabel(name, index, count);
  const bad = nonLdhAscii.exec(label)?.[0];
  if (bad !== undefined) return invalidCharacter(bad, label, name);
  if (label.startsWith("-") || label.endsWith("-")) {
    return refuse(
      "TARGET_INVALID_LABEL",
      `The label "${label}" in ${name} begins or ends with a hyphen, which host names do not allow ` +
        "(RFC 952, RFC 1123 §2.1). Check the name for a typing mistake.",
      { name, label, reason: "hyphen" },
    );
  }
  if (hyphensInThirdAndFourth(label) && !label.startsWith("xn--")) {
    return refuse(
      "TARGET_INVALID_LABEL",
      `The label "${label}" in ${name} has "--" in its third and fourth positions, which is reserved for ` +
        'encoded labels such as "xn--" (RFC 5891 §4.2.3.1). Check the name for a typing mistake.',
      { name, label, reason: "reserved" },
    );
  }
  if (index === count - 1 && count > 1 && numeric.test(label)) {
    return refuse(
      "TARGET_INVALID_LABEL",
      `The last label of ${name} is a number; no top-level domain is numeric (RFC 3696 §2), and ` +
        "browsers read such a name as an IPv4 address (WHATWG URL). Check the name, or give the IP " +
        "address in dotted-decimal form.",
      { name, label, reason: "numeric" },
    );
  }
  return null;
}

/** Positions count code points, as in UTS #46 §4.1, not UTF-16 units. */
function hyphensInThirdAndFourth(label: string): boolean {
  const chars = nonAscii.test(label) ? Array.from(label) : label;
  return chars[2] === "-" && chars[3] === "-";
}

function emptyLabel(name: string, index: number, count: number): Refusal {
  const where =
    index === 0 ? "begins with a dot" : index === count - 1 ? "ends with two dots" : "has two dots in a row";
  return refuse(
    "TARGET_EMPTY_LABEL",
    `${JSON.stringify(name)} ${where}, which leaves an empty label; a host name is non-empty ` +
      "labels separated by single dots (RFC 1035 §2.3.1). Remove the extra dot.",
    { name, where: index === 0 ? "start" : index === count - 1 ? "end" : "middle" },
  );
}

function invalidCharacter(bad: string, label: string, name: string): Refusal {
  if (bad === "_") {
    return refuse(
      "TARGET_INVALID_CHARACTER",
      `The label "${label}" in ${name} contains "_". Labels with "_" are service labels such as _dmarc or ` +
        "_sip._tcp, not host names that serve a site: host names use only letters, digits and hyphens " +
        "(RFC 952, RFC 1123 §2.1). Give the name of the host itself.",
      { name, character: "_" },
    );
  }
  const hint =
    bad === "@"
      ? " If this is an e-mail address, give the domain after the @."
      : bad === "*"
        ? ' A wildcard is written only as a leading "*.", which makes the target a domain.'
        : "";
  return refuse(
    "TARGET_INVALID_CHARACTER",
    `${JSON.stringify(name)} contains ${describeCharacter(bad)}, which host names do not allow: ` +
      `only letters, digits and hyphens, with dots between labels (RFC 952, RFC 1123 §2.1).${hint}`,
    { name, character: codePointOf(bad) },
  );
}

function codePointOf(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

function describeCharacter(ch: string): string {
  if (ch === " ") return "a space";
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x21 || code === 0x7f ? `the control character ${hex}` : `"${ch}" (${hex})`;
}
