import type { FastifyReply, FastifyRequest } from "fastify";
import type { Locale } from "../locale/locale.ts";
import { negotiateLocale } from "../locale/negotiate-locale.ts";

/**
 * The language an API answer speaks for this request (RFC 9110 §12.5.4). English without the header: API
 * clients and the scripts built on them have always read English, and the web UI sends its own choice.
 */
export function requestLocale(request: FastifyRequest): Locale {
  const header = request.headers["accept-language"];
  return negotiateLocale(Array.isArray(header) ? header.join(",") : header?.slice(0, 1000));
}

/**
 * Marks an answer whose text was chosen by Accept-Language: Content-Language names its language (RFC 9110
 * §8.5), and Vary tells caches that another language gets another text (§12.5.5).
 */
export function sayLanguage(reply: FastifyReply, locale: Locale): FastifyReply {
  const vary = reply.getHeader("vary");
  const varies = typeof vary === "string" && /(^|,)\s*accept-language\s*(,|$)/i.test(vary);
  if (!varies) reply.header("vary", vary ? `${vary}, Accept-Language` : "Accept-Language");
  return reply.header("content-language", locale);
}

/**
 * The language of the texts inside an answer, for a route that tells them itself: Accept-Language's, and said
 * in Content-Language (with Vary) when the request asked for one.
 */
export function answerLocale(request: FastifyRequest, reply: FastifyReply): Locale {
  const locale = requestLocale(request);
  if (request.headers["accept-language"] !== undefined) sayLanguage(reply, locale);
  return locale;
}
