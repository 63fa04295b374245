import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { serialRange } from "../../names/parse-decimal-integer.ts";
import { DelistingFeeds } from "../../publish/delisting/delisting-feeds.ts";
import { orderNotice } from "../../publish/delisting/order-notice.ts";
import { delistingRenderers } from "../../publish/renderers/delisting-renderers.ts";
import type { Store } from "../../store/database.ts";
import { feedAudience } from "../feed-audience.ts";
import { integerSchema } from "../integer-schema.ts";
import { sendFeed, sendSignature } from "../send-signed-feed.ts";

export interface DelistingRouteDeps {
  store: Store;
  /** Lists are kept beside the operators' feeds, in `<dataDir>/feeds/`. */
  dataDir: string;
  /** The registry's public base URL (no trailing slash), for links in exports; relative without it. */
  publicUrl?: string | undefined;
}

const sinceQuery = z
  .object({
    since: integerSchema(serialRange)
      .optional()
      .describe("a serial: the diff from that release to the current one"),
  })
  .strict();

/**
 * Public, like the operators' feeds. What search engines must de-list derives from orders that are themselves
 * public in decree, and a secret list is what made Piracy Shield's mistakes (a Google Drive host de-listed and
 * blocked) invisible until they hurt: anyone (a site owner, a researcher, a journalist) must be able to see
 * what is removed from results, under which order and for which country, and appeal. Search engines need no
 * account to read it, only the registry's key to check it.
 */
const publicList = { access: "public" } as const;

/**
 * The search engines' de-listing lists (the domains, names and URLs of active entries under orders that order
 * `delist`, each with its order's reference and country) as JSON and CSV, whole or as a diff since a serial,
 * signed and served like the operators' feeds; and each order as a Lumen CourtOrder notice for public archives.
 */
export async function delistingRoutes(fastify: FastifyInstance, deps: DelistingRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const lists = new DelistingFeeds({ db: deps.store.db, dataDir: deps.dataDir });
  const base = deps.publicUrl ?? "";

  app.get(
    "/delisting",
    {
      config: publicList,
      schema: {
        tags: ["delisting"],
        summary: "The de-listing formats, the current serial and the signing key",
      },
    },
    async (request) => {
      const audience = await feedAudience(deps.store.db, request.principal);
      const [release, key] = await Promise.all([lists.current(audience), lists.signingKey()]);
      return {
        serial: release.serial,
        algorithm: "ed25519",
        keyId: key.keyId,
        publicKey: key.publicKey,
        formats: delistingRenderers.map((renderer) => ({
          format: renderer.format,
          contentType: renderer.contentType,
          description: renderer.description,
          url: `/delisting/${renderer.format}`,
          signature: `/delisting/${renderer.format}.sig`,
        })),
      };
    },
  );

  app.get(
    "/delisting/:format",
    {
      config: publicList,
      schema: {
        tags: ["delisting"],
        summary: "What search engines must de-list, as json or csv (or its .sig), whole or since a serial",
        description:
          "Decree-Serial names the release, Decree-Feed says full or diff; from=N, Decree-Signature carries " +
          "the registry's Ed25519 signature over the exact bytes (GET /keys).",
        params: z.object({ format: z.string().max(64) }),
        querystring: sinceQuery,
      },
    },
    async (request, reply) => {
      const { since } = request.query;
      const { format } = request.params;
      const audience = await feedAudience(deps.store.db, request.principal);
      if (format.endsWith(".sig")) {
        return sendSignature(reply, await lists.feed(format.slice(0, -4), since, audience));
      }
      return sendFeed(request, reply, await lists.open(format, since, audience));
    },
  );

  app.get(
    "/orders/:id/notice.json",
    {
      config: { access: "public" },
      schema: {
        tags: ["delisting"],
        summary: "The order as a Lumen CourtOrder notice, for public archives (no personal data)",
        params: z.object({ id: z.string().max(32) }),
      },
    },
    async (request) => orderNotice(deps.store.db, request.params.id, (id) => `${base}/orders/${id}`),
  );
}
