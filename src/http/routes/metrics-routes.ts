import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { DecreeError } from "../../errors/decree-error.ts";
import { metricsExposition } from "../../observability/metrics.ts";

export interface MetricsRouteDeps {
  /** The bearer token a scraper sends (config metricsToken); unset: the route is not served here. */
  token: string | undefined;
  /** On the metrics listener of its own (config metrics), where no token is needed unless one is set. */
  ownListener?: boolean;
}

/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4). On the main HTTP address, which faces
 * the public, only with `Authorization: Bearer <metricsToken>` (RFC 6750; Prometheus' `authorization:` scrape
 * setting); on the metrics listener of its own, open unless a token is set.
 */
export async function metricsRoutes(fastify: FastifyInstance, { token, ownListener }: MetricsRouteDeps) {
  fastify.get(
    "/metrics",
    {
      // The token is checked here, not by the auth plugin: a scraper holds no account.
      config: { access: "public" },
      schema: { tags: ["operations"], summary: "Metrics for Prometheus (text exposition format)" },
    },
    async (request, reply) => {
      if (token === undefined && !ownListener) {
        throw new DecreeError(
          "METRICS_NOT_ENABLED",
          "GET /metrics is not served on this address: set metricsToken (DECREE_METRICS_TOKEN) to serve it " +
            "here to a scraper that sends it, or metrics (--metrics HOST:PORT) for a listener of its own.",
        );
      }
      if (token !== undefined && !presents(request, token)) {
        reply.header("www-authenticate", 'Bearer realm="decree-metrics"');
        throw new DecreeError(
          "METRICS_TOKEN_INVALID",
          'GET /metrics needs "Authorization: Bearer <metricsToken>": set the token in the scrape ' +
            "configuration (authorization: credentials_file).",
        );
      }
      const { contentType, body } = await metricsExposition();
      return reply.type(contentType).header("cache-control", "no-store").send(body);
    },
  );
}

function presents(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  const given = header?.match(/^Bearer +(\S+)\s*$/i)?.[1];
  if (!given) return false;
  // Compared as digests, so that the comparison takes the same time whatever the length given.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
