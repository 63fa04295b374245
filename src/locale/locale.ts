/**
 * The languages decree speaks to people. English is the default and what every catalogue falls back to; adding
 * a language (it, es) is adding its catalogues beside the French ones and its tag here: the catalogue tests
 * then name every text it still lacks.
 */
export const locales = ["en", "fr"] as const;
export type Locale = (typeof locales)[number];

export const defaultLocale: Locale = "en";

/** The language decree speaks for a language tag (BCP 47, RFC 5646) or a POSIX locale name: `fr-CA`, `fr_FR.UTF-8`. */
export function localeOfTag(tag: string): Locale | undefined {
  const primary =
    tag
      .trim()
      .toLowerCase()
      .split(/[-_.@]/)[0] ?? "";
  return (locales as readonly string[]).includes(primary) ? (primary as Locale) : undefined;
}
