import { DecreeError } from "../errors/decree-error.ts";

/** A calendar duration: months and years vary in length, so they are kept apart from fixed units. */
export interface Duration {
  years: number;
  months: number;
  days: number;
  seconds: number;
}

// ISO 8601 durations (P15D, PT30M, P1Y, P12M, P2W, P1DT12H); weeks are folded into days.
const isoPattern =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
// The words people write in orders ("15 days", "30 minutes", "12 months").
const wordsPattern = /^(\d+)\s*(year|month|week|day|hour|minute|second)s?$/;

const unitToDuration: Record<string, (n: number) => Duration> = {
  year: (n) => ({ years: n, months: 0, days: 0, seconds: 0 }),
  month: (n) => ({ years: 0, months: n, days: 0, seconds: 0 }),
  week: (n) => ({ years: 0, months: 0, days: 7 * n, seconds: 0 }),
  day: (n) => ({ years: 0, months: 0, days: n, seconds: 0 }),
  hour: (n) => ({ years: 0, months: 0, days: 0, seconds: 3600 * n }),
  minute: (n) => ({ years: 0, months: 0, days: 0, seconds: 60 * n }),
  second: (n) => ({ years: 0, months: 0, days: 0, seconds: n }),
};

export function parseDuration(text: string, field: string): Duration {
  const trimmed = text.trim();
  const iso = isoPattern.exec(trimmed.toUpperCase());
  if (iso && trimmed.length > 1 && !trimmed.toUpperCase().endsWith("T")) {
    const [, y, mo, w, d, h, mi, s] = iso.map((part) => Number(part ?? 0));
    const duration = {
      years: y ?? 0,
      months: mo ?? 0,
      days: 7 * (w ?? 0) + (d ?? 0),
      seconds: 3600 * (h ?? 0) + 60 * (mi ?? 0) + (s ?? 0),
    };
    if (isZero(duration)) throw invalid(text, field);
    return duration;
  }
  const words = wordsPattern.exec(trimmed.toLowerCase());
  if (words?.[1] && words[2] && Number(words[1]) > 0) return unitToDuration[words[2]]!(Number(words[1]));
  throw invalid(text, field);
}

function isZero(d: Duration): boolean {
  return d.years === 0 && d.months === 0 && d.days === 0 && d.seconds === 0;
}

function invalid(text: string, field: string): DecreeError {
  return new DecreeError(
    "ORDER_INVALID",
    `${field}: "${text}" is not a duration. Write an ISO 8601 duration such as P15D, PT30M or P12M, ` +
      'or words such as "15 days" or "30 minutes".',
    { field },
  );
}

/** Adds a duration in UTC calendar terms: 12 months after 13 Dec 2013 is 13 Dec 2014. */
export function addDuration(start: Date, duration: Duration): Date {
  const end = new Date(start.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + duration.years, end.getUTCMonth() + duration.months);
  end.setUTCDate(end.getUTCDate() + duration.days);
  return new Date(end.getTime() + duration.seconds * 1000);
}

/** Seconds of a duration for deadlines; months and years count as their average length (ISO 8601 allows it). */
export function durationSeconds(duration: Duration): number {
  return Math.round(
    duration.years * 365.2425 * 86400 +
      duration.months * 30.436875 * 86400 +
      duration.days * 86400 +
      duration.seconds,
  );
}
