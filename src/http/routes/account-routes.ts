import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createOrganisation, listOrganisations } from "../../accounts/organisations.ts";
import { actorFor } from "../../accounts/principal.ts";
import { roles } from "../../accounts/roles.ts";
import { createUser, disableUser, listUsers } from "../../accounts/users.ts";
import type { Store } from "../../store/database.ts";
import { idParams, organisationSchema, userSchema } from "../account-schemas.ts";
import { integerSchema } from "../integer-schema.ts";

export interface AccountRouteDeps {
  store: Store;
  now: () => Date;
}

const tags = ["accounts"];

/** The admin's work: organisations and their users. Tokens are in token-routes.ts. */
export async function accountRoutes(fastify: FastifyInstance, { store, now }: AccountRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/accounts/organisations",
    {
      config: { access: "accounts:manage" },
      schema: {
        tags,
        summary: "Create an organisation",
        body: z.object({ name: z.string().min(1).max(200) }).strict(),
        response: { 201: organisationSchema },
      },
    },
    async (request, reply) => {
      const organisation = await createOrganisation(store.db, request.body, {
        actor: actorFor(request.principal!),
        now: now(),
      });
      return reply.code(201).send(organisation);
    },
  );

  app.get(
    "/accounts/organisations",
    {
      config: { access: "accounts:manage" },
      schema: {
        tags,
        summary: "List organisations",
        response: { 200: z.object({ organisations: z.array(organisationSchema) }) },
      },
    },
    async () => ({ organisations: await listOrganisations(store.db) }),
  );

  app.post(
    "/accounts/users",
    {
      config: { access: "accounts:manage" },
      schema: {
        tags,
        summary: "Create a user in an organisation, with one role",
        body: z
          .object({
            organisationId: z.number().int().positive(),
            email: z.string().min(3).max(254),
            role: z.enum(roles),
            password: z.string().max(1024).optional().describe("omit for a user who works with tokens only"),
          })
          .strict(),
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await createUser(store.db, request.body, {
        actor: actorFor(request.principal!),
        now: now(),
      });
      return reply.code(201).send(user);
    },
  );

  app.get(
    "/accounts/users",
    {
      config: { access: "accounts:manage" },
      schema: {
        tags,
        summary: "List users",
        querystring: z.object({ organisation: integerSchema().optional() }).strict(),
        response: { 200: z.object({ users: z.array(userSchema) }) },
      },
    },
    async (request) => ({
      users: await listUsers(store.db, { organisationId: request.query.organisation }),
    }),
  );

  app.post(
    "/accounts/users/:id/disable",
    {
      config: { access: "accounts:manage" },
      schema: {
        tags,
        summary: "Disable a user: their tokens and sessions stop working at once",
        params: idParams,
        body: z
          .object({ reason: z.string().max(2000).optional() })
          .strict()
          .optional(),
        response: { 200: userSchema },
      },
    },
    async (request) =>
      disableUser(
        store.db,
        { userId: request.params.id, reason: request.body?.reason },
        { actor: actorFor(request.principal!), now: now() },
      ),
  );
}
