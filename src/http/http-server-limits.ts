import type { Server } from "node:http";
import type { HttpServerLimits } from "../config/http-server-limits.ts";

/**
 * Applies the limits to a Node HTTP server before it listens (Node's defaults wait 60 s for headers and 5 min
 * for a request, and take connections until descriptors run out). The body limit is Fastify's, set where the
 * app is built.
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.connectionTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
