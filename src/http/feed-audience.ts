import type { Kysely } from "kysely";
import type { Principal } from "../accounts/principal.ts";
import type { Audience } from "../publish/audience-zone.ts";
import { canaryOrganisations } from "../publish/canary-organisations.ts";
import type { Database } from "../store/database.ts";

/**
 * Who a feed request is for: a token of a canary organisation (publish/canary-organisations.ts, the rule the
 * webhooks follow too) gets the newest release, staged or not; anyone else, the public and the portal
 * included, the last release that went to all (publish/rollout/).
 */
export async function feedAudience(
  db: Kysely<Database>,
  principal: Principal | undefined,
): Promise<Audience> {
  if (principal?.via !== "token") return "everyone";
  return (await canaryOrganisations(db)).has(principal.organisationId) ? "canaries" : "everyone";
}
