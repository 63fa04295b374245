import type { Role } from "../accounts/roles.ts";
import type { Access } from "../review/permissions.ts";

/** Who is asking: set by the auth plugin from an API token or a browser session; absent for the public. */
export interface Principal {
  userId: number;
  organisationId: number;
  organisationName: string;
  role: Role;
  /** How the request authenticated; a session also needs a CSRF token on unsafe methods. */
  via: "token" | "session";
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Every route declares who may call it; the auth plugin enforces it before the handler runs. */
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export type { Access };
