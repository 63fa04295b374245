import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { exclusiveUseOfOrder } from "../../registry/exclusive-use-of-order.ts";
import { recordExclusiveUse } from "../../registry/record-exclusive-use.ts";
import type { Store } from "../../store/database.ts";
import { integerSchema } from "../integer-schema.ts";
import { idParams } from "../workflow-schemas.ts";

export interface ExclusiveUseRouteDeps {
  store: Store;
  now: () => Date;
}

const tags = ["review"];

const statementSchema = z
  .object({
    statementId: z.number().int(),
    address: z.string(),
    statement: z.string(),
    documentSha256: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: "ExclusiveUseStatement" });

/**
 * Statements of exclusive use: an authority user records, for an address target, that it serves only the
 * order's sites and the hash of the document that shows it; anyone reads them, as the portal does.
 */
export async function exclusiveUseRoutes(fastify: FastifyInstance, { store, now }: ExclusiveUseRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/targets/:id/exclusive-use",
    {
      config: { access: "targets:decide" },
      schema: {
        tags,
        summary: "Record that an address target serves only its order's sites, with its document's SHA-256",
        params: idParams,
        body: z
          .object({
            statement: z.string().min(1).max(4000),
            documentSha256: z.string().min(1).max(100).describe("SHA-256 hex of the document that shows it"),
          })
          .strict(),
        response: {
          201: statementSchema.extend({
            targetId: z.number().int(),
            orderId: z.number().int(),
            recordedBy: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const recorded = await recordExclusiveUse(store, {
        targetId: request.params.id,
        statement: request.body.statement,
        documentSha256: request.body.documentSha256,
        actor: actorFor(request.principal!),
        now: now(),
      });
      return reply.code(201).send({ ...recorded, statement: request.body.statement.trim() });
    },
  );

  app.get(
    "/orders/:id/exclusive-use",
    {
      config: { access: "public" },
      schema: {
        tags: ["registry"],
        summary: "The statements of exclusive use recorded for the order's addresses",
        params: z.object({ id: integerSchema() }),
        response: { 200: z.object({ statements: z.array(statementSchema) }) },
      },
    },
    async (request) => ({ statements: await exclusiveUseOfOrder(store.db, request.params.id) }),
  );
}
