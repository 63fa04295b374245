import { type Refusal, refuse } from "./name-check.ts";

export type DottedQuad = { ok: true; octets: number[] };

const decimal = /^\d+$/;
const hex = /^0x[0-9a-f]*$/i;
const octal = /^[0-7]+$/;

/**
 * Reads an IPv4 address in the one form everybody reads alike: four decimal octets without leading zeros
 * (RFC 791 §3.2 dotted decimal; RFC 6943 §3.1.1 on why the other inet_aton forms are ambiguous). Short forms
 * (127.1), hexadecimal (0x7f.0.0.1) and octal (0177.0.0.1) are refused rather than guessed.
 */
export function parseDottedQuad(text: string): DottedQuad | Refusal {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => decimal.test(part))) return notDottedQuad(text, parts);
  const zeroLed = parts.find((part) => part.length > 1 && part.startsWith("0"));
  if (zeroLed !== undefined) return leadingZero(text, parts, zeroLed);
  const octets = parts.map(Number);
  const outOfRange = octets.find((octet) => octet > 255);
  if (outOfRange !== undefined) {
    return refuse(
      "TARGET_INVALID_IP",
      `${text} is not an IPv4 address: ${outOfRange} is out of range, each of the four numbers is 0 to 255.`,
      { input: text },
    );
  }
  return { ok: true, octets };
}

function notDottedQuad(text: string, parts: readonly string[]): Refusal {
  const form = parts.some((part) => hex.test(part))
    ? "it has a hexadecimal part"
    : parts.length < 4
      ? `it has ${parts.length === 1 ? "one number" : `${parts.length} numbers`}, a short form`
      : parts.length > 4
        ? `it has ${parts.length} parts`
        : "it is not four decimal numbers";
  return refuse(
    "TARGET_INVALID_IP",
    `${text} is not an IPv4 address in dotted-decimal form (${form}). Write four decimal numbers 0 to 255 ` +
      "separated by dots, e.g. 188.114.97.7; short, hexadecimal and octal forms are refused because " +
      "software reads them differently.",
    { input: text },
  );
}

function leadingZero(text: string, parts: readonly string[], zeroLed: string): Refusal {
  const asDecimal = parts.map((part) => Number.parseInt(part, 10));
  const asOctal = parts.map((part) =>
    !part.startsWith("0") ? Number(part) : octal.test(part) ? Number.parseInt(part, 8) : Number.NaN,
  );
  const suggestions = [asDecimal, asOctal]
    .filter((octets) => octets.every((octet) => Number.isInteger(octet) && octet <= 255))
    .map((octets) => octets.join("."));
  const meant = [...new Set(suggestions)];
  const hint = meant.length > 0 ? ` Did you mean ${meant.join(" or ")}?` : "";
  return refuse(
    "TARGET_IPV4_LEADING_ZERO",
    `${text} is ambiguous: "${zeroLed}" has a leading zero, which some software reads as octal and some as ` +
      `decimal, so two different addresses could be meant. Write each number in plain decimal.${hint}`,
    { input: text },
  );
}
