/*
 * Durations as people say them. The API keeps ISO 8601 durations on the wire (P15D, P12M); the UI shows them
 * in words ("15 jours", "12 months") with Intl, and its forms take a number and a unit, never ISO 8601.
 */

/** The units a form offers for an order's deadline or validity. */
export const durationUnits = ["hour", "day", "week", "month", "year"] as const;
export type DurationUnit = (typeof durationUnits)[number] | "minute" | "second";

export interface DurationPart {
  amount: number;
  unit: DurationUnit;
}

// ISO 8601 §4.4.3.2 (the designators in their order); weeks as a unit of their own (P2W).
const isoPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const isoUnits: DurationUnit[] = ["year", "month", "week", "day", "hour", "minute", "second"];
// The words the API also accepts ("15 days"), which older orders carry as they were typed.
const wordsPattern = /^(\d+)\s*(year|month|week|day|hour|minute|second)s?$/;

/** The parts of an ISO 8601 duration or of "15 days", in order; null for anything else. */
export function durationParts(text: string): DurationPart[] | null {
  const trimmed = text.trim();
  const iso = isoPattern.exec(trimmed.toUpperCase());
  if (iso && trimmed.length > 1 && !trimmed.toUpperCase().endsWith("T")) {
    const parts = isoUnits.flatMap((unit, index) => {
      const digits = iso[index + 1];
      return digits === undefined ? [] : [{ amount: Number(digits), unit }];
    });
    return parts.length > 0 ? parts : null;
  }
  const words = wordsPattern.exec(trimmed.toLowerCase());
  if (words?.[1] && words[2]) return [{ amount: Number(words[1]), unit: words[2] as DurationUnit }];
  return null;
}

/**
 * A duration in words in the locale: "15 jours", "12 mois", "1 jour et 12 heures"; "15 days". What is not a
 * duration is shown as it is rather than hidden.
 */
export function formatDuration(text: string, locale: string): string {
  const parts = durationParts(text);
  if (!parts) return text;
  const words = parts.map(({ amount, unit }) =>
    new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(amount),
  );
  return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(words);
}

/** The ISO 8601 duration of a number and a unit, as the API takes it: 15 days is P15D, 12 months P12M. */
export function isoDuration({ amount, unit }: DurationPart): string {
  const designator = { year: "Y", month: "M", week: "W", day: "D", hour: "H", minute: "M", second: "S" }[
    unit
  ];
  const time = unit === "hour" || unit === "minute" || unit === "second";
  return `P${time ? "T" : ""}${amount}${designator}`;
}
