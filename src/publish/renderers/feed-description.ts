import type { Locale } from "../../locale/locale.ts";
import { feedDescriptionsFr } from "./feed-descriptions-fr.ts";

/** Each format's description in the languages other than English, whose description is the renderer's own. */
const feedDescriptions: Record<Exclude<Locale, "en">, Readonly<Record<string, string>>> = {
  fr: feedDescriptionsFr,
};

/** What a feed format is, in `locale`: the renderer's English description where a language has none yet. */
export function feedDescription(renderer: { format: string; description: string }, locale: Locale): string {
  return locale === "en"
    ? renderer.description
    : (feedDescriptions[locale][renderer.format] ?? renderer.description);
}
