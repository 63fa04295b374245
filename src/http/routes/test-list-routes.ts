import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { FeedCache } from "../../publish/feeds/feed-cache.ts";
import { citizenLabCsv } from "../../publish/test-lists/citizen-lab-csv.ts";
import { ooniRunDescriptor } from "../../publish/test-lists/ooni-run-descriptor.ts";
import {
  citizenLabCategoryCodes,
  defaultCitizenLabCategory,
} from "../../publish/test-lists/test-list-categories.ts";
import { testListEntries } from "../../publish/test-lists/test-list-entries.ts";
import type { Store } from "../../store/database.ts";
import { integerSchema } from "../integer-schema.ts";
import { matchesEtag } from "../send-signed-feed.ts";

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
      .describe(`a Citizen Lab category code for every row; by default ${defaultCitizenLabCategory}`),
  })
  .strict();
const orderParams = z.object({ id: integerSchema() });

/** A list as last rendered: for the release it was read at, with its ETag and signature. */
interface Rendered {
  serial: number;
  bytes: Buffer;
  etag: string;
  signature: string;
}

/** Lists kept rendered (one per URL asked: the registry's, each order's, each category), and the largest kept. */
const maxCachedLists = 256;
const maxCachedBytes = 16 * 1024 * 1024;

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

  const csv = async (orderId: number | undefined, category = defaultCitizenLabCategory) =>
    citizenLabCsv(await testListEntries(store.db, orderId), category, orderUrl);
  const descriptor = async (orderId: number | undefined) =>
    `${JSON.stringify(
      ooniRunDescriptor(await testListEntries(store.db, orderId), {
        orderId,
        author: publicUrl ?? "decree",
        link: orderId === undefined ? `${base}/public/orders` : orderUrl(orderId),
      }),
      null,
      2,
    )}\n`;

  // Entries enter and leave `active` only with a release, so a list rendered at a serial stays right until the
  // next one: polls between releases are answered without reading the registry or signing again.
  const rendered = new Map<string, Rendered>();
  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    type: string,
    render: () => Promise<string>,
  ) => {
    const version = await feeds.version();
    const key = request.url;
    let found = rendered.get(key);
    if (found?.serial !== version.serial) {
      const signing = await feeds.signingKey();
      const bytes = Buffer.from(await render(), "utf8");
      found = {
        serial: version.serial,
        bytes,
        etag: `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`,
        signature: `ed25519 ${signing.keyId} ${signing.sign(bytes).toString("base64")}`,
      };
      rendered.delete(key);
      if (bytes.length <= maxCachedBytes) rendered.set(key, found);
      while (rendered.size > maxCachedLists) rendered.delete(rendered.keys().next().value!);
    }
    reply.headers({
      "decree-serial": String(found.serial),
      "decree-feed": "full",
      etag: found.etag,
      "cache-control": "no-cache",
      "decree-signature": found.signature,
    });
    if (matchesEtag(request.headers["if-none-match"], found.etag)) return reply.code(304).send();
    return reply.type(type).send(found.bytes);
  };

  app.get(
    "/feeds/citizenlab-csv",
    {
      config: open,
      schema: {
        tags,
        summary: "Every active blocked name and URL as a Citizen Lab test list",
        querystring: categoryQuery,
      },
    },
    async (request, reply) => send(request, reply, csvType, () => csv(undefined, request.query.category)),
  );

  app.get(
    "/feeds/ooni-run",
    {
      config: open,
      schema: { tags, summary: "Every active blocked name and URL as an OONI Run v2 descriptor" },
    },
    async (request, reply) => send(request, reply, jsonType, () => descriptor(undefined)),
  );

  app.get(
    "/public/orders/:id/citizenlab.csv",
    {
      config: open,
      schema: {
        tags,
        summary: "An order's active blocked names and URLs as a Citizen Lab test list",
        params: orderParams,
        querystring: categoryQuery,
      },
    },
    async (request, reply) =>
      send(request, reply, csvType, () => csv(request.params.id, request.query.category)),
  );

  app.get(
    "/public/orders/:id/ooni-run.json",
    {
      config: open,
      schema: {
        tags,
        summary: "An order's active blocked names and URLs as an OONI Run v2 descriptor",
        params: orderParams,
      },
    },
    async (request, reply) => send(request, reply, jsonType, () => descriptor(request.params.id)),
  );
}
