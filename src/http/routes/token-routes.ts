import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { issueToken, listTokens, revokeToken } from "../../accounts/tokens.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { may } from "../../review/permissions.ts";
import type { Store } from "../../store/database.ts";
import { idParams, tokenInfoSchema } from "../account-schemas.ts";
import { integerSchema } from "../integer-schema.ts";

export interface TokenRouteDeps {
  store: Store;
  now: () => Date;
}

const tags = ["accounts"];

/**
 * API tokens: everyone manages their own; an admin (accounts:manage) also issues and revokes anyone's. A token is
 * in the answer to POST once and never again.
 */
export async function tokenRoutes(fastify: FastifyInstance, { store, now }: TokenRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/tokens",
    {
      config: { access: "tokens:manage-own" },
      schema: {
        tags,
        summary: "Issue an API token (shown once)",
        body: z
          .object({
            label: z.string().max(100).optional(),
            expiresAt: z.iso
              .datetime({ offset: true })
              .optional()
              .describe("default: in 90 days; at most 366"),
            userId: z.number().int().positive().optional().describe("admins only: a token for another user"),
          })
          .strict(),
        response: {
          201: z.object({
            id: z.number().int(),
            token: z.string().describe("keep it now: decree stores only its SHA-256"),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const userId = request.body.userId ?? principal.userId;
      if (userId !== principal.userId) requireAdmin(principal, "issue tokens for another user");
      const { expiresAt, label } = request.body;
      const issued = await issueToken(
        store.db,
        { userId, label, expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt) },
        { actor: actorFor(principal), now: now() },
      );
      return reply.code(201).send(issued);
    },
  );

  app.get(
    "/tokens",
    {
      config: { access: "tokens:manage-own" },
      schema: {
        tags,
        summary: "List your tokens (an admin may name another user)",
        querystring: z.object({ user: integerSchema().optional() }).strict(),
        response: { 200: z.object({ tokens: z.array(tokenInfoSchema) }) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const userId = request.query.user ?? principal.userId;
      if (userId !== principal.userId) requireAdmin(principal, "list another user's tokens");
      return { tokens: await listTokens(store.db, { userId }) };
    },
  );

  app.delete(
    "/tokens/:id",
    {
      config: { access: "tokens:manage-own" },
      schema: {
        tags,
        summary: "Revoke a token: it stops working at once",
        params: idParams,
        response: { 200: tokenInfoSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const ownerId = may(principal.role, "accounts:manage") ? undefined : principal.userId;
      return revokeToken(
        store.db,
        { id: request.params.id, ownerId },
        { actor: actorFor(principal), now: now() },
      );
    },
  );
}

function requireAdmin(principal: Principal, what: string): void {
  if (!may(principal.role, "accounts:manage")) {
    throw new DecreeError(
      "FORBIDDEN",
      `Only an admin may ${what}; a ${principal.role} manages its own tokens.`,
      {
        permission: "accounts:manage",
      },
    );
  }
}
