import { formatMessage, type MessageParams } from "../locale/format-message.ts";
import type { Locale } from "../locale/locale.ts";
import { type ErrorCode, errorCatalogue } from "./error-catalogue.ts";
import { errorDetailsFr } from "./error-details-fr.ts";
import type { ErrorText } from "./error-text.ts";
import { errorTextsFr } from "./error-texts-fr.ts";

/** The title and remedy of every code, per language; English is the catalogue itself. */
export const errorTexts: Record<Locale, Record<ErrorCode, ErrorText>> = {
  en: errorCatalogue,
  fr: errorTextsFr,
};

/**
 * The detail templates of the languages other than English, whose detail is the throw site's own message.
 * The same code may be thrown with several messages: a template says what they share.
 */
export const errorDetails: Record<Exclude<Locale, "en">, Partial<Record<ErrorCode, string>>> = {
  fr: errorDetailsFr,
};

/** A refusal as it travels: a DecreeError, a refused line of an import, a refused name. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  params?: MessageParams | undefined;
}

export interface LocalizedRefusal {
  title: string;
  detail: string;
}

/**
 * What a person reads of a refusal in `locale`. In English, the catalogue's title and the throw site's message
 * as they always were. In another language, the title of that language and the detail its template makes from
 * the refusal's values; without a template, or when the throw site did not give every value the template names,
 * the remedy of that language: never an English sentence.
 */
export function localizeRefusal(refusal: Refusal, locale: Locale): LocalizedRefusal {
  if (locale === "en") return { title: errorCatalogue[refusal.code].title, detail: refusal.message };
  const text = errorTexts[locale][refusal.code];
  const template = errorDetails[locale][refusal.code];
  if (template !== undefined && refusal.params !== undefined) {
    try {
      return { title: text.title, detail: formatMessage(template, locale, refusal.params) };
    } catch {
      // A throw site that gives fewer values than the template names: the remedy still says how to fix it.
    }
  } else if (template !== undefined && !/[{}]/.test(template)) {
    return { title: text.title, detail: template };
  }
  return { title: text.title, detail: text.remedy };
}

/** The message of a refused line or name in `locale`: its detail. */
export function localizedMessage(refusal: Refusal, locale: Locale): string {
  return localizeRefusal(refusal, locale).detail;
}
