import type { FastifyReply, FastifyRequest } from "fastify";
import { DecreeError } from "../errors/decree-error.ts";
import { may, type Permission, policy } from "../review/permissions.ts";
import "./access.ts";

/**
 * The route-level check, for a handler that needs a further permission for part of its work (a public route
 * that shows more to some roles): 401 AUTH_REQUIRED to the public, 403 FORBIDDEN to a role without it.
 */
export function requirePermission(
  request: FastifyRequest,
  reply: FastifyReply,
  permission: Permission,
  what: string,
): void {
  const principal = request.principal;
  if (!principal) {
    reply.header("www-authenticate", 'Bearer realm="decree"');
    throw new DecreeError(
      "AUTH_REQUIRED",
      `To ${what}, send "Authorization: Bearer <token>" (decree tokens create) or sign in (POST /auth/login).`,
    );
  }
  if (!may(principal.role, permission)) {
    throw new DecreeError(
      "FORBIDDEN",
      `A ${principal.role} may not ${what}; it needs the permission ${permission}, given to: ` +
        `${policy[permission].join(", ")}.`,
      { permission },
      { role: principal.role, permission, roles: policy[permission].join(", ") },
    );
  }
}

/** Whether the request's principal has the permission; false for the public. */
export function principalMay(request: FastifyRequest, permission: Permission): boolean {
  return request.principal !== undefined && may(request.principal.role, permission);
}
