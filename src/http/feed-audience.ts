import type { FastifyRequest } from "fastify";
import type { Audience } from "../publish/audience-zone.ts";
import type { Store } from "../store/database.ts";

/**
 * Who a feed request is for: a canary operator presenting its token (an account of the operator's
 * organisation, whose name is the operator's) gets the newest release, staged or not; anyone else, the public
 * and the portal included, the last release that went to all (publish/rollout/).
 */
export async function feedAudience(store: Store, request: FastifyRequest): Promise<Audience> {
  const principal = request.principal;
  if (principal?.via !== "token") return "everyone";
  const canary = await store.db
    .selectFrom("operators")
    .select("id")
    .where("name", "=", principal.organisationName)
    .where("canary", "=", 1)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return canary ? "canaries" : "everyone";
}
