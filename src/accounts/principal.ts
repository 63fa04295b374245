import type { Role } from "./roles.ts";

/**
 * Who is asking: built from an API token or a browser session, absent for the public. It lives here, beside the
 * accounts that produce it, so that accounts/ stays shared.
 */
export interface Principal {
  userId: number;
  organisationId: number;
  organisationName: string;
  role: Role;
  /**
   * How the request authenticated; a session also needs a CSRF token on unsafe methods. A shell command proves
   * its account by password or token, or by the OS user it runs as (accounts/os-user-mappings.ts).
   */
  via: "token" | "session" | "password" | "os-user";
}

/**
 * The actor events name for a principal. Users are named by id, not email: the event log is meant to be
 * published, and an email address is personal data.
 */
export function actorFor(principal: Principal): string {
  return `user:${principal.userId}`;
}
