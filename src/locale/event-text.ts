import { type EventAction, eventActions, isOneOf, type ReportKind } from "../vocabulary/vocabulary.ts";
import { eventTextsEn, reportKindWordsEn } from "./event-texts-en.ts";
import { eventTextsFr, reportKindWordsFr } from "./event-texts-fr.ts";
import { formatMessage, type MessageParams } from "./format-message.ts";
import type { Locale } from "./locale.ts";

/** Every event action's sentence, per language: adding a language adds its file here (tsc names what it lacks). */
export const eventTexts: Record<Locale, Record<EventAction, string>> = { en: eventTextsEn, fr: eventTextsFr };

const reportKindWords: Record<Locale, Record<ReportKind, string>> = {
  en: reportKindWordsEn,
  fr: reportKindWordsFr,
};

/** The fields of an event a sentence is made from, as the events table and the log read them. */
export interface EventFacts {
  action: string;
  subjectType: string;
  subjectId: number;
  /** The event's data: an object, or its JSON text as the events table keeps it. */
  data?: Record<string, unknown> | string | null | undefined;
  /** A target's events: its name, when the reader joined it. */
  target?: { value: string } | undefined;
}

/** The values every event sentence may name, all given, so that no template ever lacks one. */
export function eventParams(event: EventFacts, locale: Locale): MessageParams {
  const data = dataOf(event.data);
  const number = (value: unknown, fallback: number) =>
    typeof value === "number" && Number.isFinite(value) ? value : fallback;
  const text = (...values: unknown[]) => String(values.find((value) => typeof value === "string") ?? "");
  const kind = text(data.kind);
  return {
    id: event.subjectId,
    // A target named by the row joined, else by the event's data; else by its number, as the API lists it.
    target:
      event.target?.value ??
      (text(data.value, data.display) ||
        `#${number(data.targetId, event.subjectType === "target" ? event.subjectId : 0)}`),
    serial: number(data.serial, event.subjectId),
    name: text(data.name, data.command, data.osUser) || String(event.subjectId),
    kind: (reportKindWords[locale] as Record<string, string>)[kind] ?? kind,
    added: number(data.added, 0),
    removed: number(data.removed, 0),
    count: number(data.joined, Array.isArray(data.targets) ? data.targets.length : 0),
  };
}

/**
 * What an event says to a person in `locale`: its action's sentence filled from its fields. An action this
 * build does not know (a row written by a newer one) is named as it is, with its subject.
 */
export function eventText(event: EventFacts, locale: Locale): string {
  const params = eventParams(event, locale);
  if (!isOneOf(eventActions, event.action))
    return `${event.action} (${event.subjectType} ${event.subjectId})`;
  return formatMessage(eventTexts[locale][event.action], locale, params);
}

function dataOf(data: EventFacts["data"]): Record<string, unknown> {
  if (typeof data !== "string") return data ?? {};
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
