import type { FastifyInstance } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";

/**
 * Text decree cannot keep as it was sent is refused at the door, as 400 REQUEST_INVALID, rather than failing
 * deep inside (a 500 for what is the client's mistake) or being silently changed:
 * - U+0000: PostgreSQL's text type cannot store it (the statement fails), and no name, reason or URL has a
 *   use for it; refused in the URL (%00) and in any string of a JSON body;
 * - a lone UTF-16 surrogate (`"\ud800"` in JSON): no UTF-8 encoding exists for it (RFC 3629 §3), so either
 *   store would keep U+FFFD instead, and what was stored would not be what was said.
 * The JSON parser is otherwise Fastify's own, with `__proto__` and `constructor` keys refused (prototype
 * poisoning).
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (/%00|\0/i.test(request.url)) throw refused("The URL contains a NUL character (%00); remove it.");
  });
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    parseJson(request, String(body), (error, value) => {
      if (error) return done(error, undefined);
      const problem = unstorableText(value);
      if (problem) return done(refused(`The JSON body ${problem}; remove it.`), undefined);
      done(null, value);
    });
  });
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no u flag). */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What in a parsed body (keys and values, at any depth) cannot be stored as sent; undefined when all can. */
export function unstorableText(value: unknown): string | undefined {
  if (typeof value === "string") {
    if (value.includes("\0")) return "contains a NUL character (U+0000)";
    if (loneSurrogate.test(value)) return "contains a lone UTF-16 surrogate, which is no character";
    return undefined;
  }
  const items = Array.isArray(value)
    ? value
    : value !== null && typeof value === "object"
      ? Object.entries(value).flat()
      : [];
  for (const item of items) {
    const problem = unstorableText(item);
    if (problem) return problem;
  }
  return undefined;
}

function refused(message: string): DecreeError {
  return new DecreeError("REQUEST_INVALID", message);
}
