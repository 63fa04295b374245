import type { FastifyReply, FastifyRequest } from "fastify";
import type { CachedFeed, OpenFeed } from "../publish/feeds/signed-feed-files.ts";

/**
 * Sends a signed feed from disk: its release (`Decree-Serial`), whether it is the whole feed or a diff
 * (`Decree-Feed: full` or `diff; from=N`), an ETag for conditional requests (RFC 9110 §8.8.3) and the
 * registry's Ed25519 signature over the exact bytes (`Decree-Signature: ed25519 <keyId> <base64>`).
 */
export async function sendFeed(request: FastifyRequest, reply: FastifyReply, opened: OpenFeed) {
  const { feed } = opened;
  const headers = feedHeaders(feed);
  reply.headers(headers);
  if (matchesEtag(request.headers["if-none-match"], headers.etag)) {
    await opened.handle?.close();
    return reply.code(304).send();
  }
  reply.type(feed.contentType).header("Content-Length", feed.size);
  return reply.send(opened.bytes ?? opened.handle.createReadStream());
}

/** The headers of a feed's answer, 304 or 200, but its type and length. */
export function feedHeaders(feed: CachedFeed) {
  return {
    "decree-serial": String(feed.serial),
    "decree-feed": feed.from === null ? "full" : `diff; from=${feed.from}`,
    etag: `"${feed.sha256.slice(0, 32)}"`,
    "cache-control": "no-cache",
    // A canary operator's token is answered a staged release that nobody else gets (feed-audience.ts).
    vary: "Authorization",
    "decree-signature": `ed25519 ${feed.keyId} ${feed.signature}`,
  };
}

/** The detached signature alone, as raw bytes: what `openssl pkeyutl -verify -sigfile` reads. */
export function sendSignature(reply: FastifyReply, feed: CachedFeed) {
  return releaseHeaders(reply, feed)
    .header("Decree-Key-Id", feed.keyId)
    .type("application/octet-stream")
    .send(Buffer.from(feed.signature, "base64"));
}

export function releaseHeaders(reply: FastifyReply, feed: CachedFeed): FastifyReply {
  return reply
    .header("Decree-Serial", feed.serial)
    .header("Decree-Feed", feed.from === null ? "full" : `diff; from=${feed.from}`);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches any. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim().replace(/^W\//, "");
    return candidate === "*" || candidate === etag;
  });
}
