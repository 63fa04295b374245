import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { closeSession, openSession } from "../../accounts/sessions.ts";
import { findUser } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Store } from "../../store/database.ts";
import { userSchema } from "../account-schemas.ts";
import { LoginBackoff } from "../login-backoff.ts";
import type { RateLimitOptions } from "../rate-limits.ts";
import {
  clearSessionCookies,
  type SecureCookies,
  sessionCookie,
  setSessionCookies,
} from "../session-cookie.ts";

export interface AuthRouteDeps {
  store: Store;
  now: () => Date;
  secureCookies: SecureCookies;
  rateLimits?: RateLimitOptions | undefined;
}

const loginBody = z
  .object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) })
  .strict();

const meSchema = z.object({
  user: userSchema,
  via: z.enum(["token", "session"]),
});

/** Browser sessions for the web UI: sign in, sign out, who am I. Scripts use API tokens instead. */
export async function authRoutes(
  fastify: FastifyInstance,
  { store, now, secureCookies, rateLimits }: AuthRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const backoff = new LoginBackoff({ freeFailuresPerAddress: rateLimits?.loginAttempts });

  app.post(
    "/auth/login",
    {
      // Anonymous by nature; failures slow down per address and per address + account (login-backoff.ts).
      config: { access: "public", rateLimit: false },
      schema: {
        tags: ["accounts"],
        summary: "Sign in with email and password: sets the session cookie and returns the CSRF token",
        body: loginBody,
        response: {
          200: z.object({
            csrfToken: z.string().describe("send it back in X-CSRF-Token on POST, PUT, PATCH and DELETE"),
            expiresAt: z.string(),
            user: userSchema,
          }),
        },
      },
    },
    async (request, reply) => {
      const at = now();
      try {
        backoff.check(request.ip, request.body.email, at);
      } catch (error) {
        if (error instanceof DecreeError) reply.header("retry-after", String(error.details?.retryAfter ?? 1));
        throw error;
      }
      let session: Awaited<ReturnType<typeof openSession>>;
      try {
        session = await openSession(store.db, request.body, { now: at });
      } catch (error) {
        if (error instanceof DecreeError && error.code === "AUTH_LOGIN_FAILED") {
          backoff.failed(request.ip, request.body.email, at);
        }
        throw error;
      }
      backoff.succeeded(request.ip, request.body.email);
      setSessionCookies(request, reply, session, secureCookies);
      const user = await findUser(store.db, session.userId);
      return { csrfToken: session.csrfToken, expiresAt: session.expiresAt, user };
    },
  );

  app.post(
    "/auth/logout",
    {
      // Public so that signing out always works; only a session proven by its CSRF token is closed.
      config: { access: "public" },
      schema: { tags: ["accounts"], summary: "Sign out: ends the browser session" },
    },
    async (request, reply) => {
      const sessionId = request.cookies[sessionCookie];
      const principal = request.principal;
      if (sessionId && principal?.via === "session") {
        await closeSession(store.db, sessionId, { actor: actorFor(principal), now: now() });
      }
      clearSessionCookies(request, reply, secureCookies);
      return reply.code(204).send();
    },
  );

  app.get(
    "/me",
    {
      config: { access: "accounts:read-own" },
      schema: {
        tags: ["accounts"],
        summary: "Who the request authenticates as",
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      // Over HTTP a principal comes from a token or a session; the shell's other proofs never reach here.
      return {
        user: await findUser(store.db, principal.userId),
        via: principal.via === "session" ? "session" : "token",
      } as const;
    },
  );
}
