import { checkNameScope } from "./check-name-scope.ts";
import { inferTargetShape, type TargetShape } from "./infer-target-shape.ts";
import type { NameCheck, NameRefused, Normalized, Refusal } from "./name-check.ts";
import { normalizeHostName } from "./normalize-host-name.ts";
import { normalizeIp } from "./normalize-ip.ts";
import { normalizeUrl, unsupportedScheme } from "./normalize-url.ts";
import { isTargetKind, type TargetKind, targetKinds } from "./target-kind.ts";

export type { NameCheck } from "./name-check.ts";

/**
 * Reads what a person typed as a target of the given kind, or infers the kind (FQDN-first: a bare name is an
 * fqdn, `*.name` a domain), and returns its canonical value or a refusal with a stable code. Never throws.
 */
export function normalizeTarget(input: string, kind?: TargetKind): NameCheck {
  if (kind !== undefined && !isTargetKind(kind)) {
    return refused(input, null, {
      ok: false,
      code: "TARGET_UNKNOWN_KIND",
      message: `"${kind}" is not a target kind; use one of ${targetKinds.join(", ")}.`,
      params: { kind: String(kind), kinds: targetKinds.join(", ") },
    });
  }
  const text = input.trim();
  if (text === "") {
    return refused(input, kind ?? null, {
      ok: false,
      code: "TARGET_EMPTY",
      message: "The target is empty; give a host name, URL, IP address or prefix.",
    });
  }
  try {
    return normalizeShaped(input, text, inferTargetShape(text), kind);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Not reached by design; the contract is that no string makes this throw.
    return refused(input, kind ?? null, {
      ok: false,
      code:
        kind === "url"
          ? "TARGET_INVALID_URL"
          : kind === "ip" || kind === "cidr"
            ? "TARGET_INVALID_IP"
            : "TARGET_INVALID_IDN",
      message: `${text} cannot be read as a target (${reason}).`,
    });
  }
}

function normalizeShaped(input: string, text: string, shape: TargetShape, kind?: TargetKind): NameCheck {
  const resolved = resolveKind(text, shape, kind);
  if (!resolved.ok) return refused(input, kind ?? resolved.kind, resolved);
  const result = normalizeAs(text, resolved.kind);
  if (!result.ok) return refused(input, resolved.kind, result);
  return {
    input,
    ok: true,
    kind: resolved.kind,
    value: result.value,
    display: result.display,
    warnings: result.warnings,
  };
}

function normalizeAs(text: string, kind: TargetKind): Normalized | Refusal {
  switch (kind) {
    case "url":
      return normalizeUrl(text);
    case "ip":
      return normalizeIp(text, false);
    case "cidr":
      return normalizeIp(text, true);
    case "domain":
      return normalizeName(text.startsWith("*.") ? text.slice(2) : text);
    case "fqdn":
      return normalizeName(text);
  }
}

function normalizeName(text: string): Normalized | Refusal {
  const name = normalizeHostName(text);
  if (!name.ok) return name;
  return checkNameScope(name.value, name.display, { publicSuffix: true }) ?? name;
}

type Resolved = { ok: true; kind: TargetKind } | (Refusal & { kind: TargetKind | null });

/** The kind to read the input as: the one given if the input fits it, else the one its shape implies. */
function resolveKind(text: string, shape: TargetShape, kind?: TargetKind): Resolved {
  if (shape === "other-scheme") return { ...unsupportedScheme(text, schemeOf(text)), kind: "url" };
  if (kind === "url") {
    return shape === "url" ? { ok: true, kind } : { ...unsupportedScheme(text, ""), kind };
  }
  if (shape === "host-with-path" && kind === undefined) {
    return {
      ok: false,
      code: "TARGET_URL_SCHEME",
      message:
        `${text} has a path, query or port but no scheme. For a page to de-list, add https:// or ` +
        "http:// in front; for a host name, give the name alone.",
      params: { input: text },
      kind: "url",
    };
  }
  const implied = impliedKind(shape);
  if (kind === undefined || kind === implied || (kind === "domain" && implied === "fqdn")) {
    return { ok: true, kind: kind ?? implied };
  }
  return {
    ok: false,
    code: "TARGET_KIND_MISMATCH",
    message: mismatch(text, shape, kind),
    params: { input: text, kind, shape: impliedKind(shape) },
    kind,
  };
}

function impliedKind(shape: Exclude<TargetShape, "other-scheme">): TargetKind {
  switch (shape) {
    case "url":
    case "host-with-path":
      return "url";
    case "ip":
      return "ip";
    case "cidr":
      return "cidr";
    case "wildcard":
      return "domain";
    case "host":
      return "fqdn";
  }
}

function mismatch(text: string, shape: TargetShape, kind: TargetKind): string {
  if (shape === "wildcard") {
    return (
      `${text} is a wildcard, which reaches the name and every name below it; use --kind domain ` +
      '(or give the name without "*." for exactly one name).'
    );
  }
  if (shape === "ip") {
    return kind === "cidr"
      ? `${text} is a single address, not a prefix; add a prefix length (e.g. /24), or use --kind ip.`
      : `${text} is an IP address, not a host name; use --kind ip.`;
  }
  if (shape === "cidr") {
    return kind === "ip"
      ? `${text} is a prefix, not a single address; use --kind cidr, or give the address without "/".`
      : `${text} is an IP prefix, not a host name; use --kind cidr.`;
  }
  if (shape === "url" || shape === "host-with-path") {
    const bare = kind === "ip" || kind === "cidr" ? "address" : "host name";
    return `${text} is a URL, not a bare ${bare}; use --kind url for a page, or give the ${bare} alone.`;
  }
  const what = kind === "cidr" ? "prefix" : "address";
  return `${text} is a host name, not an IP ${what}; use --kind fqdn or --kind domain.`;
}

function schemeOf(text: string): string {
  return text.slice(0, text.indexOf(":")).toLowerCase();
}

function refused(input: string, kind: TargetKind | null, refusal: Refusal): NameRefused {
  const { code, message, params } = refusal;
  return params
    ? { input, ok: false, kind, code, message, params }
    : { input, ok: false, kind, code, message };
}
