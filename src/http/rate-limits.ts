import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { digestSecret } from "../accounts/secrets.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { credentialOf } from "./credentials.ts";

export interface RateLimitOptions {
  /** Requests per minute per API token or session, across all routes (default 600). */
  perCredential?: number;
  /** Failed logins from one client address before each further one doubles its wait (default 5). */
  loginAttempts?: number;
}

const minute = 60_000;

/**
 * Rate limits (@fastify/rate-limit, in memory per instance; each instance of a cluster limits on its own):
 * - every request with a token or session counts against that credential, on every route;
 * - anonymous requests are not limited globally, so that public feeds serve at full speed; a public route that
 *   needs a limit declares it: `config: { access: "public", rateLimit: { max: 10, timeWindow: "1 minute" } }`,
 *   counted per client address (or per credential when one is presented);
 * - failed logins slow down per address and per address + account, never per account alone (login-backoff.ts).
 * An exceeded limit answers 429 RATE_LIMITED (problem+json) with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: RateLimitOptions = {},
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: options.perCredential ?? 600,
    timeWindow: minute,
    keyGenerator: rateLimitKey,
    // The global limit is for credentials; a route with its own `config.rateLimit` limits everyone.
    allowList: (request, key) => key.startsWith("ip:") && request.routeOptions.config.rateLimit === undefined,
    errorResponseBuilder: (_request, context) =>
      new DecreeError(
        "RATE_LIMITED",
        `Too many requests: at most ${context.max}; retry in ${context.after}.`,
      ),
  });
}

function rateLimitKey(request: FastifyRequest): string {
  const credential = credentialOf(request);
  if (credential.kind === "token") return `token:${digestSecret(credential.token)}`;
  if (credential.kind === "session") return `session:${digestSecret(credential.sessionId)}`;
  return `ip:${request.ip}`;
}
