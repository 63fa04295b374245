import { formatMessage, type MessageParams } from "../locale/format-message.ts";
import type { Locale } from "../locale/locale.ts";
import type { MirrorVerdict } from "../vocabulary/vocabulary.ts";
import { type MirrorTextKey, mirrorTextsEn } from "./mirror-texts-en.ts";
import { mirrorTextsFr } from "./mirror-texts-fr.ts";

/** The mirror evidence's texts, per language: adding a language adds its file here. */
export const mirrorTexts: Record<Locale, Record<MirrorTextKey, string>> = {
  en: mirrorTextsEn,
  fr: mirrorTextsFr,
};

/** What a signal's sentence is made of: its text's key and values; signals stored before they had one lack it. */
export interface WordedSignal {
  signal: string;
  matched: boolean;
  points: number;
  detailKey?: MirrorTextKey | undefined;
  detailParams?: MessageParams | undefined;
}

/** What an explanation is made of: the verdict, the score and the signals that led to it. */
export interface WordedScore {
  verdict: MirrorVerdict;
  score: number;
  signals: readonly WordedSignal[];
}

/** One mirror text in `locale`. */
export function mirrorText(key: MirrorTextKey, locale: Locale, params: MessageParams = {}): string {
  return formatMessage(mirrorTexts[locale][key], locale, params);
}

/** What a signal came to in `locale`; undefined for a signal stored without its text's key. */
export function signalDetail(signal: WordedSignal, locale: Locale): string | undefined {
  return signal.detailKey === undefined
    ? undefined
    : mirrorText(signal.detailKey, locale, signal.detailParams);
}

/**
 * The matched signals in `locale`, strongest first, e.g. "mirror (score 0.82): same page text (82% of
 * phrases), redirect from x.com"; a site not called a mirror whose text differs says so too. Undefined when a
 * signal was stored without its text's key: the stored English explanation then still says it.
 */
export function mirrorExplanation(score: WordedScore, locale: Locale): string | undefined {
  if (score.signals.some((signal) => signal.detailKey === undefined)) return undefined;
  const matched = score.signals.filter((s) => s.matched).sort((a, b) => b.points - a.points);
  const reasons =
    matched.length > 0
      ? matched.map((s) => signalDetail(s, locale)).join(", ")
      : mirrorText("explanation.none", locale);
  const text = score.signals.find((s) => s.signal === "same-text");
  const params = { verdict: score.verdict, score: score.score, reasons };
  return score.verdict === "not-mirror" && text && !text.matched
    ? mirrorText("explanation.unlike", locale, { ...params, unlike: signalDetail(text, locale) ?? "" })
    : mirrorText("explanation", locale, params);
}

/** Only what an explanation is made of, for a finding to keep among its values (finding-message.ts). */
export function wordedScore(score: WordedScore): WordedScore {
  return {
    verdict: score.verdict,
    score: score.score,
    signals: score.signals.map(({ signal, matched, points, detailKey, detailParams }) => ({
      signal,
      matched,
      points,
      detailKey,
      detailParams,
    })),
  };
}

/**
 * A scored site as a person reads it in `locale`: its explanation and each signal's detail told again; what
 * was stored without its texts' keys keeps its English words. English is returned as it is.
 */
export function localizedScore<
  T extends Omit<WordedScore, "signals"> & {
    explanation: string;
    signals: readonly (WordedSignal & { detail: string })[];
  },
>(scored: T, locale: Locale): T {
  if (locale === "en") return scored;
  return {
    ...scored,
    explanation: mirrorExplanation(scored, locale) ?? scored.explanation,
    signals: scored.signals.map((signal) => ({
      ...signal,
      detail: signalDetail(signal, locale) ?? signal.detail,
    })),
  };
}
