import type { FastifyInstance } from "fastify";
import { httpRequestSeconds, httpRequests } from "../observability/metrics.ts";

/**
 * Counts and times every answered request by its route pattern (`/orders/:id`, never the URL, whose ids and
 * queries would make a series per request) and status; requests no route matched count as "unmatched".
 */
export function observeRequests(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const method = request.method;
    httpRequests.inc({ method, route, status: String(reply.statusCode) });
    httpRequestSeconds.observe({ method, route }, reply.elapsedTime / 1000);
    request.log.debug(
      { event: "http", method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request answered",
    );
  });
}
