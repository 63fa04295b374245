import { defaultLocale, type Locale, localeOfTag, locales } from "./locale.ts";

interface Weighted {
  q: number;
  /** Where the range stands in the header: the earlier wins a tie. */
  index: number;
  /** How many subtags the range has: the most specific range naming a language decides for it. */
  subtags: number;
}

/**
 * The language to answer in for an Accept-Language header (RFC 9110 §12.5.4): each language range with its
 * weight (q from 0 to 1, default 1; q=0 means "not this one"), matched by primary subtag the way RFC 4647 §3.4
 * lookup falls back (fr-CH finds fr); `*` stands for any language no range names. The highest weight wins, the
 * earlier range on a tie; no header, a malformed one or nothing acceptable gives `fallback`, and so does a tie
 * through `*`.
 */
export function negotiateLocale(header: string | undefined, fallback: Locale = defaultLocale): Locale {
  if (!header) return fallback;
  const named = new Map<Locale, Weighted>();
  let any: Weighted | undefined;
  header.split(",").forEach((part, index) => {
    const [range = "", ...parameters] = part.split(";").map((piece) => piece.trim());
    const q = weightOf(parameters);
    if (q === undefined || range === "") return;
    const weighted = { q, index, subtags: range.split("-").length };
    if (range === "*") {
      any ??= weighted;
      return;
    }
    const locale = localeOfTag(range);
    if (locale === undefined) return;
    const seen = named.get(locale);
    if (!seen || weighted.subtags > seen.subtags) named.set(locale, weighted);
  });
  let best: (Weighted & { locale: Locale }) | undefined;
  // The fallback first, so that a tie through `*` (any language) keeps it.
  for (const locale of [fallback, ...locales.filter((other) => other !== fallback)]) {
    const weight = named.get(locale) ?? any;
    if (!weight || weight.q <= 0) continue;
    if (!best || weight.q > best.q || (weight.q === best.q && weight.index < best.index)) {
      best = { ...weight, locale };
    }
  }
  return best?.locale ?? fallback;
}

/** The q parameter (RFC 9110 §12.4.2: 0 to 1, at most three decimals); undefined when it is malformed. */
function weightOf(parameters: string[]): number | undefined {
  const q = parameters.find((parameter) => /^q\s*=/i.test(parameter));
  if (q === undefined) return 1;
  const value = q.replace(/^q\s*=\s*/i, "");
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : undefined;
}
