import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { principalForToken } from "../accounts/tokens.ts";
import { isDecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { feedAudience } from "./feed-audience.ts";
import type { TokenPolls } from "./feed-fast-path.ts";

/**
 * A token's feed poll answered before the router (feed-fast-path.ts) pays what the app's hooks make it pay
 * (auth-plugin.ts, rate-limits.ts): the token is checked in the store, its use noted, and the request counted
 * against the same limit, in the same counter, as on any route. `app` has the auth plugin registered.
 */
export function tokenPolls(app: FastifyInstance, db: Kysely<Database>, now: () => Date): TokenPolls {
  const limit = app.createRateLimit();
  return {
    async audienceOf(token) {
      try {
        return await feedAudience(db, await principalForToken(db, token, now()));
      } catch (error) {
        if (isDecreeError(error)) return undefined;
        throw error;
      }
    },
    async counted(request: IncomingMessage) {
      // What the limit's key and allow list read of a request (rate-limits.ts): its credential, its route's own
      // limit (the feed route has none) and, for anonymous requests, its address.
      const seen = {
        headers: request.headers,
        routeOptions: { config: {} },
        ip: request.socket.remoteAddress,
      };
      const result = await limit(seen as unknown as FastifyRequest);
      if (result.isAllowed) return [];
      if (result.isExceeded) return undefined;
      return [
        "x-ratelimit-limit",
        String(result.max),
        "x-ratelimit-remaining",
        String(result.remaining),
        "x-ratelimit-reset",
        String(result.ttlInSeconds),
      ];
    },
  };
}
