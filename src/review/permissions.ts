import type { Role } from "../accounts/roles.ts";

/**
 * What each role may do: the one policy table every HTTP route and CLI command is checked against. A route
 * declares the permission it needs (or "public"); a test walks every route and every role through this table.
 * Whether an applicant acts on ITS OWN order is checked by the command itself (ownership), not here.
 */
export const policy = {
  // the registry, read
  "registry:read-private": ["authority", "auditor", "admin"],
  // orders and targets
  "orders:submit": ["authority", "applicant"],
  "orders:confirm": ["authority"],
  "targets:submit": ["authority", "applicant"],
  // an order's blocking windows: the rights holder's own orders only (checked by the command)
  "windows:manage": ["authority", "applicant"],
  "targets:review": ["authority"],
  "targets:decide": ["authority"],
  // a blocking finding's override: asked for by an admin, confirmed by a second person
  "targets:override": ["admin"],
  "targets:confirm-override": ["admin", "authority"],
  "mirrors:request": ["applicant", "authority"],
  // run mirror discovery, capture a blocked site again
  "mirrors:discover": ["authority"],
  // an order's stored document: an applicant its own orders' only (checked by the command)
  "documents:read": ["authority", "applicant", "auditor", "admin"],
  // publication and compliance
  "releases:acknowledge": ["operator", "search-engine"],
  // a staged release halted at a canary (or not yet promoted): a person lets it proceed or withdraws it
  "releases:decide": ["authority"],
  "targets:report": ["operator", "search-engine"],
  "compliance:read-own": ["operator", "search-engine"],
  "compliance:read-all": ["authority", "auditor", "admin"],
  // the routes that show compliance to both: their own to the first, everyone's to the second (by the above)
  "compliance:read": ["operator", "search-engine", "authority", "auditor", "admin"],
  // an operator's own resolver configuration, for its dashboard
  "operators:read-own-config": ["operator"],
  // operators as accounts: register, update, remove, re-key
  "operators:manage": ["admin"],
  "delisting:read": ["search-engine", "authority", "auditor", "admin"],
  "webhooks:manage": ["operator", "search-engine", "admin"],
  // a probe agent's token: fetch work and report signed measurements
  "probes:agent": ["operator", "authority"],
  // appeals
  "appeals:read": ["authority", "auditor", "admin"],
  "appeals:decide": ["authority"],
  // accounts
  "accounts:manage": ["admin"],
  // any signed-in user: who am I (GET /me)
  "accounts:read-own": ["authority", "applicant", "operator", "search-engine", "auditor", "admin"],
  "tokens:manage-own": ["authority", "applicant", "operator", "search-engine", "auditor", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof policy;
/** A route's access: open to anyone, or a permission. */
export type Access = "public" | Permission;

export function may(role: Role, permission: Permission): boolean {
  return (policy[permission] as readonly Role[]).includes(role);
}
