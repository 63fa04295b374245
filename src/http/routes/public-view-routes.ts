import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { entryProofLinks } from "../../registry/log/entry-proofs.ts";
import { listPublicOrders, showPublicOrder } from "../../registry/public-orders.ts";
import { searchEntries } from "../../registry/search-entries.ts";
import type { Store } from "../../store/database.ts";
import { targetKinds, targetStates } from "../../vocabulary/vocabulary.ts";
import { integerSchema } from "../integer-schema.ts";

export interface PublicViewRouteDeps {
  store: Store;
  now: () => Date;
}

const foundEntrySchema = z
  .object({
    targetId: z.number().int(),
    kind: z.enum(targetKinds),
    value: z.string(),
    display: z.string(),
    state: z.enum(targetStates),
    validFrom: z.string(),
    validUntil: z.string(),
    order: z.object({
      id: z.number().int(),
      authority: z.string(),
      caseNumber: z.string(),
      decisionDate: z.string(),
      jurisdiction: z.string(),
    }),
    blockedNow: z.boolean().describe("active, and inside one of its blocking windows if its order has any"),
    proof: z
      .object({ index: z.number().int(), size: z.number().int(), url: z.string() })
      .nullable()
      .describe("the leaf of its latest event in the latest checkpoint's tree; null before a checkpoint"),
  })
  .meta({ id: "FoundEntry" });

const searchAnswerSchema = z
  .object({
    query: z.string(),
    name: z.string().optional().describe("the name searched for, normalized"),
    refusal: z.string().optional().describe("the error code when the query cannot be a name"),
    blocked: z.boolean().optional().describe("whether one of the entries blocks now"),
    entries: z.array(foundEntrySchema),
  })
  .meta({ id: "SearchAnswer" });

const open = { access: "public" } as const;
const tags = ["public"];

/**
 * The public view of the registry: orders, their entries with state, validity and findings, and
 * for each entry the link to the inclusion proof of its latest event in the log. Nothing personal: no
 * appellant, no reviewer's e-mail, no proposals.
 */
export async function publicViewRoutes(fastify: FastifyInstance, { store, now }: PublicViewRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/public/orders",
    { config: open, schema: { tags, summary: "Orders with public entries" } },
    async () => ({
      orders: await listPublicOrders(store.db, now()),
    }),
  );

  app.get(
    "/public/orders/:id",
    {
      config: open,
      schema: {
        tags,
        summary: "An order, its entries and their proofs",
        params: z.object({ id: integerSchema() }),
      },
    },
    async (request) => {
      const { entryList, ...order } = await showPublicOrder(store.db, request.params.id, now());
      return { ...order, entries: entryList };
    },
  );

  app.get(
    "/public/entries",
    {
      config: open,
      schema: {
        tags,
        summary: "The entries reaching a name, each with its proof",
        querystring: z.object({ q: z.string().min(1).max(2048) }).strict(),
        response: { 200: searchAnswerSchema },
      },
    },
    async (request) => {
      const found = await searchEntries(store.db, request.query.q);
      if (!found.ok) return { query: request.query.q, refusal: found.code, entries: [] };
      const proofs = await entryProofLinks(
        store.db,
        found.entries.map((e) => e.targetId),
      );
      return {
        query: request.query.q,
        name: found.name,
        blocked: found.blocked,
        entries: found.entries.map((entry) => ({ ...entry, proof: proofs.get(entry.targetId) ?? null })),
      };
    },
  );
}
