import { type PageLanguage, pageLanguages } from "./pick-language.ts";

/** The region whose way of writing dates each language's pages follow. */
const locales: Record<PageLanguage, string> = { fr: "fr-FR", en: "en-GB" };

/** Built once per language: an Intl formatter costs far more to make than to use, and the stop page is hot. */
const dates = formatters({ dateStyle: "long", timeZone: "UTC" });
const instants = formatters({ dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

function formatters(options: Intl.DateTimeFormatOptions): Record<PageLanguage, Intl.DateTimeFormat> {
  return Object.fromEntries(
    pageLanguages.map((language) => [language, new Intl.DateTimeFormat(locales[language], options)]),
  ) as Record<PageLanguage, Intl.DateTimeFormat>;
}

/** A calendar date (2013-11-28) as a reader writes it: « 28 novembre 2013 », "28 November 2013". */
export function formatDate(date: string, language: PageLanguage): string {
  const parsed = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return dates[language].format(parsed);
}

/** An instant, in UTC and saying so, since the reader may be anywhere: « 13 décembre 2014 à 00:00 UTC ». */
export function formatInstant(instant: string, language: PageLanguage): string {
  const parsed = new Date(instant);
  if (Number.isNaN(parsed.getTime())) return instant;
  return `${instants[language].format(parsed)} UTC`;
}
