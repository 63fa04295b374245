import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import type { Principal } from "../accounts/principal.ts";
import { csrfTokenMatches, principalForSession } from "../accounts/sessions.ts";
import { principalForToken } from "../accounts/tokens.ts";
import { DecreeError, isDecreeError } from "../errors/decree-error.ts";
import { type Access, may, policy } from "../review/permissions.ts";
import type { Store } from "../store/database.ts";
import "./access.ts";
import { credentialOf } from "./credentials.ts";
import { type RateLimitOptions, registerRateLimits } from "./rate-limits.ts";
import { csrfHeader } from "./session-cookie.ts";

export interface AuthOptions {
  store: Store;
  now: () => Date;
  rateLimits?: RateLimitOptions | undefined;
}

/** RFC 9110 §9.2.1: the methods that change nothing need no CSRF token. */
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A scope whose routes have no `config.access` of their own (a third-party plugin's, e.g. the reference page's
 * assets) may say what they default to: `instance.decorate(defaultAccess, "public")` before registering it.
 */
export const defaultAccess = Symbol("decree.defaultAccess");

/** A route as the access check saw it at startup. */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
  /** Left out of /openapi.json (`schema.hide`): the reference page's own assets. */
  hidden: boolean;
}

const declared = Symbol("decree.declaredRoutes");

/** Every route of the app with its access, in the order they were added: what the access matrix test walks. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return (app as unknown as Record<symbol, DeclaredRoute[]>)[declared] ?? [];
}

/**
 * Who is asking, and may they. Registered before any route:
 * - at startup, every route must declare `config.access` ("public" or a permission of review/permissions.ts),
 *   else the app refuses to start: a route nobody thought about is not silently public;
 * - each request is authenticated from `Authorization: Bearer dct_…` (RFC 6750) or the `decree_session` cookie
 *   and `request.principal` set; a protected route answers 401 AUTH_REQUIRED (with `WWW-Authenticate: Bearer`)
 *   to the public and 403 FORBIDDEN to a role `may()` refuses;
 * - a session (not a token: a browser sends cookies by itself, a script does not send tokens by itself) needs
 *   `X-CSRF-Token` on unsafe methods, else 403 CSRF_INVALID; on a public route it simply counts as anonymous;
 * - a presented credential that does not check out answers 401 even on public routes, so that a client with an
 *   expired token learns it at once. The client hears AUTH_TOKEN_INVALID whatever the reason; the log says which.
 *   A stale session cookie on a public route counts as anonymous (a browser cannot drop it by itself).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    await app.register(cookie);
    await registerRateLimits(app, options.rateLimits);
    app.decorateRequest("principal", undefined);
    const routes: DeclaredRoute[] = [];
    app.decorate(declared, routes);
    app.addHook("onRoute", function requireAccess(this: FastifyInstance, route: RouteOptions) {
      const access = route.config?.access ?? (this as unknown as Record<symbol, Access>)[defaultAccess];
      if (access === undefined) {
        throw new Error(
          `Route ${route.method} ${route.url} declares no config.access: add { access: "public" } or a ` +
            "permission from src/review/permissions.ts.",
        );
      }
      if (access !== "public" && !(access in policy)) {
        throw new Error(`Route ${route.method} ${route.url} declares an unknown permission "${access}".`);
      }
      route.config = { ...route.config, access };
      const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, access, hidden });
    });
    app.addHook("onRequest", async (request, reply) => {
      const access: Access = request.routeOptions.config.access ?? "public";
      request.principal = await authenticate(request, reply, options, access);
      if (access === "public") return;
      if (!request.principal) {
        reply.header("www-authenticate", 'Bearer realm="decree"');
        throw new DecreeError(
          "AUTH_REQUIRED",
          `${request.method} ${request.routeOptions.url} needs an account: send "Authorization: Bearer <token>" ` +
            "(decree tokens create) or sign in (POST /auth/login).",
        );
      }
      if (!may(request.principal.role, access)) {
        throw new DecreeError(
          "FORBIDDEN",
          `A ${request.principal.role} may not ${request.method} ${request.routeOptions.url}; it needs ` +
            `the permission ${access}, given to: ${policy[access].join(", ")}.`,
          { permission: access },
          { role: request.principal.role, permission: access, roles: policy[access].join(", ") },
        );
      }
    });
  },
  { name: "decree-auth", fastify: "5.x" },
);

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AuthOptions,
  access: Access,
): Promise<Principal | undefined> {
  const credential = credentialOf(request);
  if (credential.kind === "token") return tokenPrincipal(request, reply, options, credential.token);
  if (credential.kind === "foreign-bearer") {
    if (access === "public") return undefined;
    throw invalidToken(reply, "a Bearer value that is not a decree token");
  }
  if (credential.kind === "none") return undefined;
  const session = await principalForSession(options.store.db, credential.sessionId, options.now());
  if (!session) {
    if (access === "public") return undefined;
    reply.header("www-authenticate", 'Bearer realm="decree"');
    throw new DecreeError(
      "AUTH_SESSION_INVALID",
      "Your session has ended; sign in again (POST /auth/login).",
    );
  }
  if (safeMethods.has(request.method)) return session.principal;
  const presented = request.headers[csrfHeader];
  if (csrfTokenMatches(typeof presented === "string" ? presented : undefined, session.csrfTokenHash)) {
    return session.principal;
  }
  if (access === "public") return undefined;
  throw new DecreeError(
    "CSRF_INVALID",
    `A signed-in browser must send the X-CSRF-Token header on ${request.method}: the csrfToken that ` +
      "POST /auth/login returned (also in the decree_csrf cookie).",
  );
}

async function tokenPrincipal(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AuthOptions,
  token: string,
): Promise<Principal> {
  try {
    return await principalForToken(options.store.db, token, options.now());
  } catch (error) {
    if (!isDecreeError(error)) throw error;
    throw invalidToken(reply, `${error.code}: ${error.message}`, request);
  }
}

/** RFC 6750 §3.1: `error="invalid_token"`; the precise reason goes to the log only. */
function invalidToken(reply: FastifyReply, reason: string, request?: FastifyRequest): DecreeError {
  (request ?? reply.request).log.info({ reason }, "token refused");
  reply.header("www-authenticate", 'Bearer realm="decree", error="invalid_token"');
  return new DecreeError(
    "AUTH_TOKEN_INVALID",
    "The token is not valid: mistyped, expired or revoked. Ask an administrator for a new one " +
      "(decree tokens create) or create one yourself (POST /tokens) while signed in.",
  );
}
