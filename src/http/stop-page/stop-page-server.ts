import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { findBlockingEntries } from "../../registry/find-blocking-entries.ts";
import type { Store } from "../../store/database.ts";
import { htmlPageHeaders } from "../html/html-document.ts";
import { type PageLanguage, pageLanguages, pickLanguage } from "../html/pick-language.ts";
import { hostOf } from "./host-of.ts";
import { blockedPage, notAHostPage, notBlockedPage } from "./stop-page-html.ts";

export interface StopPageOptions {
  store: Store;
  /** The registry's public base URL, without a trailing slash: the page links to its orders and appeals. */
  publicUrl: string;
  logger?: boolean | object;
}

/**
 * The stop page: the small HTTP server operators point blocked names at (the RPZ `stop-page` action resolves
 * them to its address). Whatever the Host, path or method, it answers for the host the request names:
 *
 * - blocked: `451 Unavailable For Legal Reasons` (RFC 7725 §3) and a page naming the court, the case, the date,
 *   the measure, until when and how to appeal. §4 asks for `Link: <…>; rel="blocked-by"` identifying the
 *   entity that implements the block: that is the registry (it publishes the zone resolvers enforce), and its
 *   page for each order (`<publicUrl>/orders/ID`, one link per order) identifies it together with the demand;
 * - not blocked: `404 Not Found`. Not 451, which RFC 7725 reserves for a resource denied because of a legal
 *   demand, and not 200, which would let caches and crawlers take this page for the site itself. A client
 *   sent here for a name nothing blocks was sent by a stale DNS answer (a block just lifted or expired) or by
 *   mistake: for this server, there is no such resource.
 *
 * Pages are French unless Accept-Language (or `?lang=en`) prefers English. Nothing is cached (`no-store`): a
 * block can be suspended on appeal at any minute, and the next visit must say so.
 */
export async function buildStopPage(options: StopPageOptions): Promise<FastifyInstance> {
  // No request log: who visits a blocked site is none of the log's business.
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Bodies are never read: a form posted to a blocked site gets the same answer as a page view.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  const handler = (request: FastifyRequest, reply: FastifyReply) => answer(options, request, reply);
  app.all("/", handler);
  app.all("/*", handler);
  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, "stop page failed");
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply
      .code(status >= 400 && status < 600 ? status : 500)
      .headers(htmlPageHeaders)
      .header("cache-control", "no-store")
      .type("text/plain; charset=utf-8")
      .send(status < 500 ? "Bad request\n" : "Temporarily unavailable; try again in a moment.\n");
  });
  return app;
}

async function answer(options: StopPageOptions, request: FastifyRequest, reply: FastifyReply) {
  const language = languageOf(request);
  reply
    .headers(htmlPageHeaders)
    .header("cache-control", "no-store")
    .header("vary", "Host, Accept-Language")
    .header("content-language", language)
    .type("text/html; charset=utf-8");
  const host = hostOf(request.headers.host);
  const found = host === undefined ? undefined : await findBlockingEntries(options.store.db, host);
  if (!found?.ok) return reply.code(404).send(notAHostPage(language));
  if (found.entries.length === 0) return reply.code(404).send(notBlockedPage(language, found.display));
  const orders = [...new Set(found.entries.map((entry) => entry.order.id))];
  return reply
    .code(451)
    .header("link", orders.map((id) => `<${options.publicUrl}/orders/${id}>; rel="blocked-by"`).join(", "))
    .send(blockedPage(language, found.display, found.entries, options.publicUrl));
}

function languageOf(request: FastifyRequest): PageLanguage {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  const chosen = pageLanguages.find((language) => language === asked);
  return chosen ?? pickLanguage(request.headers["accept-language"]);
}
