import { toASCII, toUnicode } from "tr46";
import { checkLdhLabels } from "./check-ldh-labels.ts";
import { checkNameLengths } from "./check-name-lengths.ts";
import { diagnoseIdnaFailure } from "./diagnose-idna-failure.ts";
import { findMixedScripts } from "./find-mixed-scripts.ts";
import { type NameWarning, type Normalized, type Refusal, refuse } from "./name-check.ts";
import { uts46Options } from "./uts46-options.ts";

const nonAscii = /[\u0080-\u{10ffff}]/u;

/**
 * Turns a host name as typed into its A-label form (value) and Unicode form (display), per UTS #46 with the
 * options of uts46-options.ts. The common case, an ASCII LDH name without "xn--" labels, never touches tr46:
 * for it UTS #46 is lowercasing and nothing else, and normalization must keep up with bulk imports.
 */
export function normalizeHostName(raw: string): Normalized | Refusal {
  const isAscii = !nonAscii.test(raw);
  // UTS #46 §4 step 1 maps (fullwidth forms, ideographic full stops, case) before labels are split, so the
  // checks below see what the DNS will see. JS toLowerCase is not that mapping (it turns a final Σ into ς).
  const mapped = isAscii ? raw.toLowerCase() : toUnicode(raw, { transitionalProcessing: false }).domain;
  if (mapped === "" || mapped === ".") {
    const what = raw === "" ? "There is no name" : `${JSON.stringify(raw)} has no labels`;
    return refuse("TARGET_EMPTY_LABEL", `${what}; give a host name such as site.tv.`, {
      name: raw,
      where: "all",
    });
  }
  // RFC 1034 §3.1: a trailing dot only marks the name as absolute; exactly one is dropped.
  const name = mapped.endsWith(".") ? mapped.slice(0, -1) : mapped;
  const labels = name.split(".");
  const refusal = checkLdhLabels(labels, name);
  if (refusal) return refusal;
  if (isAscii && !labels.some((label) => label.startsWith("xn--"))) return asciiName(name, labels);
  return internationalName(name);
}

function asciiName(name: string, labels: readonly string[]): Normalized | Refusal {
  const refusal = checkNameLengths(name, labels, name);
  if (refusal) return refusal;
  return { ok: true, value: name, display: name, warnings: [] };
}

function internationalName(name: string): Normalized | Refusal {
  const value = toASCII(name, uts46Options);
  if (value === null) return diagnoseIdnaFailure(name);
  const display = toUnicode(value, uts46Options).domain;
  // tr46 verified the lengths already; checking again gives the precise code and cannot disagree.
  const refusal = checkNameLengths(value, value.split("."), display);
  if (refusal) return refusal;
  return { ok: true, value, display, warnings: mixedScriptWarnings(display) };
}

function mixedScriptWarnings(display: string): NameWarning[] {
  const warnings: NameWarning[] = [];
  for (const label of display.split(".")) {
    const mixed = findMixedScripts(label);
    if (!mixed) continue;
    warnings.push({
      code: "NAME_MIXED_SCRIPTS",
      message:
        `The label "${label}" mixes ${mixed.join(" and ")} letters, a sign of a look-alike ` +
        "(homograph) name (UTS #39 §5.2). Check that this is the name the order means, letter by letter.",
    });
  }
  return warnings;
}
