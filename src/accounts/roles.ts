/**
 * Who acts in decree (docs/api.md, "Roles"). One role per user; an API token carries its user's role.
 * - authority: records orders, reviews targets, decides appeals (a court registry, a regulator like ARCOM);
 * - applicant: a rights holder: submits orders, targets and mirror requests, for its own orders only;
 * - operator: an ISP or public DNS: reads its feeds, acknowledges releases, sees its own compliance;
 * - search-engine: reads de-listing feeds, acknowledges;
 * - auditor: reads everything, changes nothing;
 * - admin: accounts and keys.
 * The public reads what is public without an account.
 */
export const roles = ["authority", "applicant", "operator", "search-engine", "auditor", "admin"] as const;
export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
