import { type Locale, locales } from "../../locale/locale.ts";
import { negotiateLocale } from "../../locale/negotiate-locale.ts";

/** The languages of the server's own pages: every language decree speaks (locale.ts lists them, once). */
export const pageLanguages = locales;
export type PageLanguage = Locale;

/**
 * The page language from Accept-Language (RFC 9110 §12.5.4, negotiate-locale.ts); French when the header names
 * neither, since decree's orders are French first. Malformed parts are skipped, never an error: the header is
 * the client's to get wrong.
 */
export function pickLanguage(header: string | string[] | undefined): PageLanguage {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  return negotiateLocale(text.slice(0, 1000), "fr");
}
