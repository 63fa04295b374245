import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { FeedCache } from "../../publish/feeds/feed-cache.ts";
import { citizenLabCsv } from "../../publish/test-lists/citizen-lab-csv.ts";
import { ooniRunDescriptor } from "../../publish/test-lists/ooni-run-descriptor.ts";
import { testListEntries } from "../../publish/test-lists/test-list-entries.ts";
import type { Store } from "../../store/database.ts";
import {
  type CitizenLabCategory,
  citizenLabCategoryCodes,
  defaultCitizenLabCategory,
} from "../../vocabulary/citizen-lab-categories.ts";
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
      .describe(
        `a Citizen Lab category code for every row; by default each order's own (testListCategory), else ${defaultCitizenLabCategory}`,
      ),
  })
  .strict();
const orderParams = z.object({ id: integerSchema() });

/** A list as last rendered: for the release it was read at, with its ETag and signature. */
interface Rendered {
  serial: number;
  bytes: Buffer;
  keyId: string;
  etag: string;
  /** Base64 of the Ed25519 signature over `bytes`. */
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

  const csv = async (orderId: number | undefined, category: CitizenLabCategory | undefined) =>
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
  /** The list at the current release, rendered and signed once per release and URL (`.sig` shares its list's). */
  const current = async (url: string, render: () => Promise<string>): Promise<Rendered> => {
    const version = await feeds.version();
    const key = url.replace(/\.sig(?=\?|$)/, "");
    const found = rendered.get(key);
    if (found?.serial === version.serial) return found;
    const signing = await feeds.signingKey();
    const bytes = Buffer.from(await render(), "utf8");
    const made = {
      serial: version.serial,
      bytes,
      keyId: signing.keyId,
      etag: `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`,
      signature: signing.sign(bytes).toString("base64"),
    };
    rendered.delete(key);
    if (bytes.length <= maxCachedBytes) rendered.set(key, made);
    while (rendered.size > maxCachedLists) rendered.delete(rendered.keys().next().value!);
    return made;
  };

  const send = async (request: FastifyRequest, reply: FastifyReply, type: string, found: Rendered) => {
    reply.headers({
      "decree-serial": String(found.serial),
      "decree-feed": "full",
      etag: found.etag,
      "cache-control": "no-cache",
      "decree-signature": `ed25519 ${found.keyId} ${found.signature}`,
    });
    if (matchesEtag(request.headers["if-none-match"], found.etag)) return reply.code(304).send();
    return reply.type(type).send(found.bytes);
  };

  /** The detached signature alone, raw, as `/feeds/FORMAT.sig` serves it: what `openssl pkeyutl -verify` reads. */
  const sendSignature = (reply: FastifyReply, found: Rendered) =>
    reply
      .header("Decree-Serial", found.serial)
      .header("Decree-Feed", "full")
      .header("Decree-Key-Id", found.keyId)
      .type("application/octet-stream")
      .send(Buffer.from(found.signature, "base64"));

  for (const suffix of ["", ".sig"]) {
    const signed = suffix === ".sig";
    const answer =
      (type: string) =>
      async (request: FastifyRequest, reply: FastifyReply, render: () => Promise<string>) => {
        const found = await current(request.url, render);
        return signed ? sendSignature(reply, found) : send(request, reply, type, found);
      };
    const csvAnswer = answer(csvType);
    const jsonAnswer = answer(jsonType);
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
      async (request, reply) => csvAnswer(request, reply, () => csv(undefined, request.query.category)),
    );

    app.get(
      `/feeds/ooni-run${suffix}`,
      {
        config: open,
        schema: { tags, summary: `${what}every active blocked name and URL as an OONI Run v2 descriptor` },
      },
      async (request, reply) => jsonAnswer(request, reply, () => descriptor(undefined)),
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
      async (request, reply) =>
        csvAnswer(request, reply, () => csv(request.params.id, request.query.category)),
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
      async (request, reply) => jsonAnswer(request, reply, () => descriptor(request.params.id)),
    );
  }
}
