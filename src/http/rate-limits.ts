import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { digestSecret } from "../accounts/secrets.ts";
import { normalizeEmail } from "../accounts/users.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { credentialOf } from "./credentials.ts";

export interface RateLimitOptions {
  /** Requests per minute per API token or session, across all routes (default 600). */
  perCredential?: number;
  /** Login attempts per minute, per client address and per account (default 5). */
  loginAttempts?: number;
}

const minute = 60_000;

/**
 * Rate limits (@fastify/rate-limit, in memory per instance; each instance of a cluster limits on its own):
 * - every request with a token or session counts against that credential, on every route;
 * - anonymous requests are not limited globally, so that public feeds serve at full speed; a public route that
 *   needs a limit declares it: `config: { access: "public", rateLimit: { max: 10, timeWindow: "1 minute" } }`,
 *   counted per client address (or per credential when one is presented);
 * - logins are limited per address and per account (`loginLimiter`).
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

/**
 * Counts a login attempt for the client address and for the account it names; throws RATE_LIMITED on the
 * attempt past the limit, before the password is even checked (guessing costs the guesser, not scrypt time).
 */
export function loginLimiter(app: FastifyInstance, options: RateLimitOptions = {}) {
  const limit = { max: options.loginAttempts ?? 5, timeWindow: minute, allowList: () => false };
  const byAddress = app.createRateLimit({ ...limit, keyGenerator: (request) => `login-ip:${request.ip}` });
  const byAccount = app.createRateLimit({
    ...limit,
    keyGenerator: (request) => `login-account:${normalizeEmail(emailOf(request))}`,
  });
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    for (const check of [byAddress, byAccount]) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header("retry-after", result.ttlInSeconds);
        throw new DecreeError(
          "RATE_LIMITED",
          `Too many login attempts; retry in ${result.ttlInSeconds} seconds.`,
          { retryAfter: result.ttlInSeconds },
        );
      }
    }
  };
}

function emailOf(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  return typeof body?.email === "string" ? body.email : "";
}
