import { type DurationUnit, formatDuration } from "./duration.ts";
import type { Translate } from "./i18n.tsx";
import type { AddresseeRole, Measure, OrderState, Role } from "./vocabulary.ts";

/*
 * The vocabulary's codes (src/vocabulary, copied to vocabulary.ts) said as words in the page's language. Each key
 * is built from the code's type, so that a word added to the vocabulary without its text fails to compile.
 */

export const measureWord = (t: Translate, measure: Measure) => t(`measure.${measure}`);

export const addresseeRoleWord = (t: Translate, role: AddresseeRole) => t(`addresseeRole.${role}`);

export const roleWord = (t: Translate, role: Role) => t(`role.${role}`);

export const orderStateWord = (t: Translate, state: OrderState) => t(`orderState.${state}`);

const locales = { fr: "fr-FR", en: "en-GB" } as const;

/** An order's deadline or validity ("P15D", or "15 days" as typed) in words: "15 jours", "15 days". */
export const durationWords = (t: Translate, text: string) => formatDuration(text, locales[t.language]);

/** A unit's name as Intl says it after this amount: "jours" after 15, "mois" after 12, "day" after 1. */
export function unitWord(t: Translate, unit: DurationUnit, amount: number): string {
  const parts = new Intl.NumberFormat(locales[t.language], {
    style: "unit",
    unit,
    unitDisplay: "long",
  }).formatToParts(amount);
  return parts
    .filter((part) => part.type === "unit")
    .map((part) => part.value)
    .join("");
}
