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
    countAnswer(method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.debug(
      { event: "http", method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request answered",
    );
  });
}

/** One answered request in the metrics: also for those answered before the router (feed-fast-path.ts). */
export function countAnswer(method: string, route: string, status: number, seconds: number): void {
  httpRequests.inc({ method, route, status: String(status) });
  httpRequestSeconds.observe({ method, route }, seconds);
}
