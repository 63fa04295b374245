import type { FastifyInstance } from "fastify";
import { localizedFinding } from "../checks/finding-message.ts";
import { localizedMessage, type Refusal } from "../errors/localize-refusal.ts";
import type { Locale } from "../locale/locale.ts";
import { type FindingCode, findingCodes } from "../vocabulary/vocabulary.ts";
import { requestLocale, sayLanguage } from "./request-locale.ts";

const isFindingCode = (code: unknown): code is FindingCode => findingCodes.includes(code as FindingCode);

/**
 * Answers in the language Accept-Language chose the texts people read inside JSON: each finding (the review
 * queue, targets, public views) and each refused line of an import, told again from its code and values. English
 * answers go out untouched, as they always did; the others carry Content-Language.
 */
export function localizePayloads(app: FastifyInstance): void {
  app.addHook("preSerialization", async (request, reply, payload) => {
    if (request.headers["accept-language"] === undefined) return payload;
    const locale = requestLocale(request);
    if (locale === "en" || typeof payload !== "object" || payload === null) return payload;
    const state = { changed: false };
    const localized = walk(payload, locale, state, false);
    if (state.changed) sayLanguage(reply, locale);
    return localized;
  });
}

function walk(value: unknown, locale: Locale, state: { changed: boolean }, refusals: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, locale, state, refusals));
  if (typeof value !== "object" || value === null || value instanceof Date) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.message === "string" && typeof record.code === "string") {
    if (refusals) {
      state.changed = true;
      return { ...record, message: localizedMessage(record as unknown as Refusal, locale) };
    }
    if (typeof record.check === "string" && isFindingCode(record.code)) {
      state.changed = true;
      return localizedFinding(record as { code: FindingCode; message: string }, locale);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(record))
    out[key] = walk(inner, locale, state, key === "rejected");
  return out;
}
