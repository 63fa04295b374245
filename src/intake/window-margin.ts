import { DecreeError } from "../errors/decree-error.ts";

const short = /^(\d+)\s*(s|m|h|d)$/;
const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A margin around an event, in seconds: `15m`, `2h`, `90s`, `1d`, or an ISO 8601 duration without months or
 * years (PT15M, P1DT2H), whose length does not depend on the calendar. Zero is allowed: no margin.
 */
export function parseWindowMargin(text: string, field: string): number {
  const trimmed = text.trim();
  const match = short.exec(trimmed.toLowerCase());
  if (match) return Number(match[1]) * unitSeconds[match[2]!]!;
  const upper = trimmed.toUpperCase();
  const parts = iso.exec(upper);
  if (parts && upper.length > 2 && !upper.endsWith("T")) {
    const [, d, h, m, s] = parts.map((part) => Number(part ?? 0));
    return (d ?? 0) * 86400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  }
  throw new DecreeError(
    "WINDOW_MARGIN_INVALID",
    `${field}: "${text}" is not a margin. Write 15m, 2h, 90s or an ISO 8601 duration such as PT15M.`,
    { field },
  );
}
