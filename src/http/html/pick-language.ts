export const pageLanguages = ["fr", "en"] as const;
export type PageLanguage = (typeof pageLanguages)[number];

/**
 * The page language from Accept-Language (RFC 9110 §12.5.4): the supported language with the highest weight,
 * matching on the primary subtag (`fr-BE` is French); French when the header names neither, since decree's
 * orders are French first. Malformed parts are skipped, never an error: the header is the client's to get wrong.
 */
export function pickLanguage(header: string | string[] | undefined): PageLanguage {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  let best: { language: PageLanguage; weight: number } | undefined;
  for (const part of text.slice(0, 1000).split(",")) {
    const [range = "", ...parameters] = part.trim().split(";");
    const primary = range.trim().toLowerCase().split("-")[0];
    const language = pageLanguages.find((candidate) => candidate === primary);
    if (!language) continue;
    const weight = weightOf(parameters);
    if (weight > 0 && (!best || weight > best.weight)) best = { language, weight };
  }
  return best?.language ?? "fr";
}

function weightOf(parameters: string[]): number {
  for (const parameter of parameters) {
    const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(parameter);
    if (match) return Number(match[1]);
  }
  return 1;
}
