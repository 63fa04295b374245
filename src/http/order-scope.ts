import type { Principal } from "../accounts/principal.ts";
import type { OrderScope } from "../intake/find-order-as.ts";

/**
 * The orders a principal may act on: an applicant its own organisation's only (an answer of 404 for the
 * others, see find-order-as.ts); an authority, an auditor or an admin any order its role allows.
 */
export function orderScopeOf(principal: Principal): OrderScope {
  return principal.role === "applicant" ? { ownOrganisationId: principal.organisationId } : null;
}
