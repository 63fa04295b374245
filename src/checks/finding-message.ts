import { formatMessage, type MessageParams } from "../locale/format-message.ts";
import type { Locale } from "../locale/locale.ts";
import type { FindingCode } from "../vocabulary/vocabulary.ts";
import { findingTextsEn } from "./finding-texts-en.ts";
import { findingTextsFr } from "./finding-texts-fr.ts";
import { mirrorExplanation, type WordedScore } from "./mirror-explanation.ts";

/** Every finding code's message template, per language. */
export const findingTexts: Record<Locale, Record<FindingCode, string>> = {
  en: findingTextsEn,
  fr: findingTextsFr,
};

/** A finding's message in `locale`, from its code and values. */
export function findingMessage(code: FindingCode, params: MessageParams, locale: Locale = "en"): string {
  return formatMessage(findingTexts[locale][code], locale, localizedParams(code, params, locale));
}

/**
 * The mirror evidence's values keep the comparison itself (`mirror`, JSON: verdict, score, signals with their
 * texts' keys), so that its explanation is told again in each language; `explanation` is the English one, for
 * the findings stored before.
 */
function localizedParams(code: FindingCode, params: MessageParams, locale: Locale): MessageParams {
  if ((code !== "MIRROR_EVIDENCE" && code !== "MIRROR_WEAK_EVIDENCE") || typeof params.mirror !== "string") {
    return params;
  }
  const explanation = mirrorExplanation(JSON.parse(params.mirror) as WordedScore, locale);
  return explanation === undefined ? params : { ...params, explanation };
}

/**
 * A finding as a person reads it in `locale`: the message made from its code and values, or, for a finding
 * stored before findings kept their values, the stored English message.
 */
export function localizedFinding<T extends { code: FindingCode; message: string; params?: MessageParams }>(
  finding: T,
  locale: Locale,
): T {
  if (locale === "en" || !finding.params) return finding;
  try {
    return { ...finding, message: findingMessage(finding.code, finding.params, locale) };
  } catch {
    // Values a newer template names that an older finding lacks: its stored message still says it.
    return finding;
  }
}
