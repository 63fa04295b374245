import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { FeedCache, RenderedFeed } from "../../publish/feeds/feed-cache.ts";
import { citizenLabCsvChunks } from "../../publish/test-lists/citizen-lab-csv.ts";
import { ooniRunDescriptorChunks } from "../../publish/test-lists/ooni-run-descriptor.ts";
import { assertOrderExists, testListEntryPages } from "../../publish/test-lists/test-list-entries.ts";
import type { Store } from "../../store/database.ts";
import {
  type CitizenLabCategory,
  citizenLabCategoryCodes,
  defaultCitizenLabCategory,
} from "../../vocabulary/citizen-lab-categories.ts";
import { feedAudience } from "../feed-audience.ts";
import { integerSchema } from "../integer-schema.ts";
import { sendFeed, sendSignature } from "../send-signed-feed.ts";

export interface TestListRouteDeps {
  store: Store;
  /** For the current serial and the registry's signing key, the same as the other feeds'. */
  feeds: FeedCache;
  /** The registry's public base URL (no trailing slash), for the orders' links; relative without it. */
  publicUrl?: string | undefined;
}

const open = { access: "public" } as const;
const tags = ["feeds"];
const csvType = "text/csv; charset=utf-8; header=present";
const jsonType = "application/json; charset=utf-8";

const categoryQuery = z
  .object({
    category: z
      .enum(citizenLabCategoryCodes)
      .optional()
      .describe(
        `a Citizen Lab category code for every row; by default each order's own (testListCategory), else ${defaultCitizenLabCategory}`,
      ),
  })
  .strict();
const orderParams = z.object({ id: integerSchema() });

/**
 * The registry's blocked names in the formats the measurement community reads: a Citizen Lab test list (CSV)
 * and an OONI Run v2 descriptor (JSON), for the whole registry or one order. Signed like the feeds
 * (`Decree-Signature` over the exact bytes, `Decree-Serial` the release they were read at, GET /keys), so a
 * list passed from hand to hand can still be checked against the registry.
 */
export async function testListRoutes(
  fastify: FastifyInstance,
  { store, feeds, publicUrl }: TestListRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const base = publicUrl ?? "";
  const orderUrl = (id: number) => `${base}/orders/${id}`;

  /** Each list is a feed of its own: rendered once per release, from the store page by page, into a file. */
  const csv = (orderId: number | undefined, category: CitizenLabCategory | undefined) => ({
    target: {
      format: `test-list${orderId === undefined ? "" : `.order-${orderId}`}.citizenlab${category ? `.${category}` : ""}`,
      contentType: csvType,
      extension: "csv",
    },
    chunks: (withheld: ReadonlySet<number>) =>
      citizenLabCsvChunks(testListEntryPages(store.db, orderId, undefined, withheld), category, orderUrl),
    orderId,
  });
  const descriptor = (orderId: number | undefined) => ({
    target: {
      format: `test-list${orderId === undefined ? "" : `.order-${orderId}`}.ooni-run`,
      contentType: jsonType,
      extension: "json",
    },
    chunks: (withheld: ReadonlySet<number>) =>
      ooniRunDescriptorChunks(testListEntryPages(store.db, orderId, undefined, withheld), {
        orderId,
        author: publicUrl ?? "decree",
        link: orderId === undefined ? `${base}/public/orders` : orderUrl(orderId),
      }),
    orderId,
  });

  interface List {
    target: RenderedFeed;
    chunks: (withheld: ReadonlySet<number>) => AsyncIterable<string>;
    orderId: number | undefined;
  }

  for (const suffix of ["", ".sig"]) {
    const signed = suffix === ".sig";
    /**
     * Streams the list's file with the signature over its exact bytes in `Decree-Signature`, as the other feeds:
     * the file is written, hashed and signed once per release, so the header is known before the first byte.
     */
    const answer = async (request: FastifyRequest, reply: FastifyReply, list: List) => {
      // An unknown order is a 404 problem before anything is rendered.
      if (list.orderId !== undefined) await assertOrderExists(store.db, list.orderId);
      const audience = await feedAudience(store.db, request.principal);
      if (signed) return sendSignature(reply, await feeds.rendered(list.target, list.chunks, audience));
      return sendFeed(request, reply, await feeds.openRendered(list.target, list.chunks, audience));
    };
    const what = signed ? "The signature of " : "";

    app.get(
      `/feeds/citizenlab-csv${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `${what}every active blocked name and URL as a Citizen Lab test list`,
          querystring: categoryQuery,
        },
      },
      async (request, reply) => answer(request, reply, csv(undefined, request.query.category)),
    );

    app.get(
      `/feeds/ooni-run${suffix}`,
      {
        config: open,
        schema: { tags, summary: `${what}every active blocked name and URL as an OONI Run v2 descriptor` },
      },
      async (request, reply) => answer(request, reply, descriptor(undefined)),
    );

    app.get(
      `/public/orders/:id/citizenlab.csv${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `${what}an order's active blocked names and URLs as a Citizen Lab test list`,
          params: orderParams,
          querystring: categoryQuery,
        },
      },
      async (request, reply) => answer(request, reply, csv(request.params.id, request.query.category)),
    );

    app.get(
      `/public/orders/:id/ooni-run.json${suffix}`,
      {
        config: open,
        schema: {
          tags,
          summary: `${what}an order's active blocked names and URLs as an OONI Run v2 descriptor`,
          params: orderParams,
        },
      },
      async (request, reply) => answer(request, reply, descriptor(request.params.id)),
    );
  }
}
