import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { dnsActions } from "../../intake/order-input.ts";
import { enforcerKinds } from "../../publish/enforcer-kind.ts";
import { addOperator, listOperators } from "../../publish/operators.ts";
import { parseGrace, rekeyOperator } from "../../publish/rekey-operator.ts";
import { removeOperator } from "../../publish/remove-operator.ts";
import { updateOperator } from "../../publish/update-operator.ts";
import type { Store } from "../../store/database.ts";
import { keyedOperatorSchema, operatorParams, operatorSchema } from "../operator-schemas.ts";

export interface OperatorRouteDeps {
  store: Store;
  now: () => Date;
}

const tags = ["operators"];
const addresses = z.array(z.string().max(100)).max(100);

/** The admin's work on operators, as `decree operators add|list|update|remove|rekey` does it. */
export async function operatorRoutes(fastify: FastifyInstance, { store, now }: OperatorRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/operators",
    {
      config: { access: "operators:manage" },
      schema: {
        tags,
        summary: "The operators in force, with their kind, keys (never secrets) and NOTIFY targets",
        response: { 200: z.object({ operators: z.array(operatorSchema) }) },
      },
    },
    async () => ({ operators: await listOperators(store.db) }),
  );

  app.post(
    "/operators",
    {
      config: { access: "operators:manage" },
      schema: {
        tags,
        summary: "Register an operator; its TSIG key is generated and its secret returned once",
        body: z
          .object({
            name: z.string().min(1).max(63),
            kind: z.enum(enforcerKinds).optional(),
            notify: addresses.optional(),
            allow: addresses.optional(),
            tsig: z.boolean().optional(),
            action: z.enum(dnsActions).optional(),
          })
          .strict(),
        response: { 201: keyedOperatorSchema },
      },
    },
    async (request, reply) => {
      const added = await addOperator(store.db, request.body, {
        actor: actorFor(request.principal!),
        now: now(),
      });
      return reply.code(201).send(added);
    },
  );

  app.patch(
    "/operators/:name",
    {
      config: { access: "operators:manage" },
      schema: {
        tags,
        summary: "Change an operator's NOTIFY targets, unsigned-transfer addresses, action, kind or canary",
        params: operatorParams,
        body: z
          .object({
            kind: z.enum(enforcerKinds).optional(),
            notify: addresses.optional().describe("replaces the list"),
            allow: addresses.optional().describe("replaces the list"),
            action: z.enum(dnsActions).nullable().optional().describe("null: the registry's default"),
            canary: z.boolean().optional().describe("gets staged releases first"),
          })
          .strict(),
        response: { 200: operatorSchema },
      },
    },
    async (request) =>
      updateOperator(store.db, request.params.name, request.body, {
        actor: actorFor(request.principal!),
        now: now(),
      }),
  );

  app.delete(
    "/operators/:name",
    {
      config: { access: "operators:manage" },
      schema: {
        tags,
        summary: "Remove an operator: no more NOTIFY, its keys and addresses stop authorising transfers",
        params: operatorParams,
        response: { 200: operatorSchema },
      },
    },
    async (request) =>
      removeOperator(store.db, request.params.name, { actor: actorFor(request.principal!), now: now() }),
  );

  app.post(
    "/operators/:name/rekey",
    {
      config: { access: "operators:manage" },
      schema: {
        tags,
        summary:
          "Issue a new TSIG key; the old one keeps working for the grace period (default 7d), then stops",
        params: operatorParams,
        body: z
          .object({ grace: z.string().max(10).optional().describe("e.g. 7d, 12h, 0s") })
          .strict()
          .optional(),
        response: { 200: keyedOperatorSchema },
      },
    },
    async (request) =>
      rekeyOperator(store.db, request.params.name, {
        actor: actorFor(request.principal!),
        now: now(),
        graceMs: parseGrace(request.body?.grace ?? "7d"),
      }),
  );
}
