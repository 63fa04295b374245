import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type CachedFeed, FeedCache } from "../../publish/feed-cache.ts";
import { feedRenderers } from "../../publish/renderers/index.ts";
import type { Store } from "../../store/database.ts";
import { parseQuery } from "../parse-query.ts";

export interface FeedRouteDeps {
  store: Store;
  /** Rendered feeds are kept in `<dataDir>/feeds/`. */
  dataDir: string;
  /** The RPZ zone's apex, without trailing dot. */
  zone: string;
}

const sinceQuery = z.object({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
});

/** The lists Piracy Shield serves ISPs, at its own paths (sources: renderers/piracy-shield-list.ts). */
const piracyShieldGenres = ["fqdn", "ipv4", "ipv6"] as const;

/**
 * Feeds for resolvers and tools that do not transfer the zone: every format of the current release, or its
 * diff since a serial. Each response names its release (`Decree-Serial`), says whether it is the whole feed
 * or a diff (`Decree-Feed: full` or `diff; from=N`: formats that cannot say "remove" answer `?since=` with
 * the whole feed, as IXFR falls back to AXFR, RFC 1995 §4), and carries the registry's Ed25519 signature
 * over its exact bytes (`Decree-Signature: ed25519 <keyId> <base64>`), which `/keys` lets anyone check.
 */
export async function feedRoutes(app: FastifyInstance, { store, dataDir, zone }: FeedRouteDeps) {
  const feeds = new FeedCache({ db: store.db, dataDir, zone });

  app.get("/feeds", async () => {
    const [version, key] = await Promise.all([feeds.version(), feeds.signingKey()]);
    return {
      zone,
      serial: version.serial,
      algorithm: "ed25519",
      keyId: key.keyId,
      publicKey: key.publicKey,
      formats: feedRenderers.map((renderer) => ({
        format: renderer.format,
        contentType: renderer.contentType,
        description: renderer.description,
        diff: renderer.renderDiff !== undefined,
        url: `/feeds/${renderer.format}`,
        signature: `/feeds/${renderer.format}.sig`,
      })),
      piracyShield: piracyShieldGenres.flatMap((genre) => [
        `/api/v1/${genre}/get/all/txt`,
        `/api/v1/${genre}/get/all/txt/checksum`,
      ]),
    };
  });

  app.get("/keys", async () => {
    const key = await feeds.signingKey();
    return { algorithm: "ed25519", keyId: key.keyId, publicKey: key.publicKey };
  });

  app.get<{ Params: { format: string } }>("/feeds/:format", async (request, reply) => {
    const { since } = parseQuery(sinceQuery, request.query);
    const { format } = request.params;
    if (format.endsWith(".sig")) return sendSignature(reply, await feeds.feed(format.slice(0, -4), since));
    return sendFeed(feeds, request, reply, format, since);
  });

  for (const genre of piracyShieldGenres) {
    app.get(`/api/v1/${genre}/get/all/txt`, (request, reply) =>
      sendFeed(feeds, request, reply, `piracy-shield-${genre}`, undefined),
    );
    // The platform answers the hex digest alone, as text (its get_all_checksum_txt handlers).
    app.get(`/api/v1/${genre}/get/all/txt/checksum`, async (_request, reply) => {
      const feed = await feeds.feed(`piracy-shield-${genre}`);
      return releaseHeaders(reply, feed).type("text/plain; charset=UTF-8").send(feed.sha256);
    });
  }

  /**
   * Piracy Shield clients log in before fetching (`POST /api/v1/authentication/login`, then a Bearer token).
   * decree's lists are public, so this answers the login step for such clients to run unchanged; the token
   * grants nothing and is never checked.
   */
  app.post("/api/v1/authentication/login", async () => ({
    status: "success",
    data: { access_token: "decree-feeds-are-public", refresh_token: "decree-feeds-are-public" },
  }));
}

async function sendFeed(
  feeds: FeedCache,
  request: FastifyRequest,
  reply: FastifyReply,
  format: string,
  since: number | undefined,
) {
  const { feed, handle } = await feeds.open(format, since);
  const etag = `"${feed.sha256.slice(0, 32)}"`;
  releaseHeaders(reply, feed)
    .header("ETag", etag)
    .header("Cache-Control", "no-cache")
    .header("Decree-Signature", `ed25519 ${feed.keyId} ${feed.signature}`);
  if (matchesEtag(request.headers["if-none-match"], etag)) {
    await handle.close();
    return reply.code(304).send();
  }
  return reply.type(feed.contentType).header("Content-Length", feed.size).send(handle.createReadStream());
}

/** The detached signature alone, as raw bytes: what `openssl pkeyutl -verify -sigfile` reads. */
function sendSignature(reply: FastifyReply, feed: CachedFeed) {
  return releaseHeaders(reply, feed)
    .header("Decree-Key-Id", feed.keyId)
    .type("application/octet-stream")
    .send(Buffer.from(feed.signature, "base64"));
}

function releaseHeaders(reply: FastifyReply, feed: CachedFeed): FastifyReply {
  return reply
    .header("Decree-Serial", feed.serial)
    .header("Decree-Feed", feed.from === null ? "full" : `diff; from=${feed.from}`);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches any. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim().replace(/^W\//, "");
    return candidate === "*" || candidate === etag;
  });
}
