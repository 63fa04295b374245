import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { serialRange } from "../../names/parse-decimal-integer.ts";
import type { FeedCache } from "../../publish/feeds/feed-cache.ts";
import { feedDescription } from "../../publish/renderers/feed-description.ts";
import { feedRenderers } from "../../publish/renderers/index.ts";
import type { Store } from "../../store/database.ts";
import { feedAudience } from "../feed-audience.ts";
import { integerSchema } from "../integer-schema.ts";
import { requestLocale, sayLanguage } from "../request-locale.ts";
import { releaseHeaders, sendFeed, sendSignature } from "../send-signed-feed.ts";

export interface FeedRouteDeps {
  /** To tell a canary operator's token (feed-audience.ts). */
  store: Store;
  /** The rendered feeds, kept in `<dataDir>/feeds/` (build-app.ts makes it, and answers hot polls from it). */
  feeds: FeedCache;
  /** The RPZ zone's apex, without trailing dot. */
  zone: string;
}

const sinceQuery = z.object({
  since: integerSchema(serialRange).optional(),
});

const publicFeed = { config: { access: "public" }, schema: { tags: ["feeds"] } } as const;

/** The lists Piracy Shield serves ISPs, at its own paths (sources: renderers/piracy-shield-list.ts). */
const piracyShieldGenres = ["fqdn", "ipv4", "ipv6"] as const;

/**
 * Feeds for resolvers and tools that do not transfer the zone: every format of the current release, or its
 * diff since a serial. Each response names its release (`Decree-Serial`), says whether it is the whole feed
 * or a diff (`Decree-Feed: full` or `diff; from=N`: formats that cannot say "remove" answer `?since=` with
 * the whole feed, as IXFR falls back to AXFR, RFC 1995 §4), and carries the registry's Ed25519 signature
 * over its exact bytes (`Decree-Signature: ed25519 <keyId> <base64>`), which `/keys` lets anyone check.
 * While a release is staged, a canary operator's token gets it; everyone else the last release that went to
 * all (feed-audience.ts).
 */
export async function feedRoutes(app: FastifyInstance, { store, feeds, zone }: FeedRouteDeps) {
  app.get("/feeds", { config: { access: "public" }, schema: { tags: ["feeds"] } }, async (request, reply) => {
    const audience = await feedAudience(store.db, request.principal);
    const [version, key] = await Promise.all([feeds.version(audience), feeds.signingKey()]);
    // The formats' descriptions are for people: in the language they ask for (RFC 9110 §12.5.4).
    const locale = requestLocale(request);
    sayLanguage(reply, locale);
    return {
      zone,
      serial: version.serial,
      algorithm: "ed25519",
      keyId: key.keyId,
      publicKey: key.publicKey,
      formats: feedRenderers.map((renderer) => ({
        format: renderer.format,
        contentType: renderer.contentType,
        description: feedDescription(renderer, locale),
        diff: renderer.renderDiff !== undefined,
        url: `/feeds/${renderer.format}`,
        signature: `/feeds/${renderer.format}.sig`,
      })),
      testLists: {
        citizenLab: "/feeds/citizenlab-csv",
        ooniRun: "/feeds/ooni-run",
        perOrder: ["/public/orders/{id}/citizenlab.csv", "/public/orders/{id}/ooni-run.json"],
      },
      piracyShield: piracyShieldGenres.flatMap((genre) => [
        `/api/v1/${genre}/get/all/txt`,
        `/api/v1/${genre}/get/all/txt/checksum`,
      ]),
    };
  });

  app.get("/keys", { config: { access: "public" }, schema: { tags: ["feeds"] } }, async () => {
    const key = await feeds.signingKey();
    return { algorithm: "ed25519", keyId: key.keyId, publicKey: key.publicKey };
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    "/feeds/:format",
    {
      config: { access: "public" },
      schema: { tags: ["feeds"], params: z.object({ format: z.string().max(100) }), querystring: sinceQuery },
    },
    async (request, reply) => {
      const { since } = request.query;
      const { format } = request.params;
      const audience = await feedAudience(store.db, request.principal);
      if (format.endsWith(".sig")) {
        return sendSignature(reply, await feeds.feed(format.slice(0, -4), since, audience));
      }
      return sendFeed(request, reply, await feeds.open(format, since, audience));
    },
  );

  for (const genre of piracyShieldGenres) {
    app.get(`/api/v1/${genre}/get/all/txt`, publicFeed, async (request, reply) =>
      sendFeed(
        request,
        reply,
        await feeds.open(
          `piracy-shield-${genre}`,
          undefined,
          await feedAudience(store.db, request.principal),
        ),
      ),
    );
    // The platform answers the hex digest alone, as text (its get_all_checksum_txt handlers).
    app.get(`/api/v1/${genre}/get/all/txt/checksum`, publicFeed, async (request, reply) => {
      const feed = await feeds.feed(
        `piracy-shield-${genre}`,
        undefined,
        await feedAudience(store.db, request.principal),
      );
      return releaseHeaders(reply, feed).type("text/plain; charset=UTF-8").send(feed.sha256);
    });
  }

  /**
   * Piracy Shield clients log in before fetching (`POST /api/v1/authentication/login`, then a Bearer token).
   * decree's lists are public, so this answers the login step for such clients to run unchanged; the token
   * grants nothing and is never checked.
   */
  app.post("/api/v1/authentication/login", publicFeed, async () => ({
    status: "success",
    data: { access_token: "decree-feeds-are-public", refresh_token: "decree-feeds-are-public" },
  }));
}
