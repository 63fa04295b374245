import type { Principal } from "../accounts/principal.ts";
import type { Access } from "../review/permissions.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Every route declares who may call it; the auth plugin enforces it before the handler runs. */
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}
