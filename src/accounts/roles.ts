import { isOneOf, type Role, roles } from "../vocabulary/vocabulary.ts";

// Who acts in decree, one role per user (docs/api.md, "Roles"); an API token carries its user's role. The public
// reads what is public without an account.
export { type Role, roles } from "../vocabulary/vocabulary.ts";

export function isRole(value: string): value is Role {
  return isOneOf(roles, value);
}
