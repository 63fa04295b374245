import type { FastifyRequest } from "fastify";
import type { Audience } from "../publish/audience-zone.ts";
import { canaryOrganisations } from "../publish/canary-organisations.ts";
import type { Store } from "../store/database.ts";

/**
 * Who a feed request is for: a token of a canary organisation (publish/canary-organisations.ts, the rule the
 * webhooks follow too) gets the newest release, staged or not; anyone else, the public and the portal
 * included, the last release that went to all (publish/rollout/).
 */
export async function feedAudience(store: Store, request: FastifyRequest): Promise<Audience> {
  const principal = request.principal;
  if (principal?.via !== "token") return "everyone";
  return (await canaryOrganisations(store.db)).has(principal.organisationId) ? "canaries" : "everyone";
}
