import type { FastifyReply, FastifyRequest } from "fastify";
import type { CachedFeed, OpenFeed } from "../publish/feeds/signed-feed-files.ts";

/**
 * Sends a signed feed from disk: its release (`Decree-Serial`), whether it is the whole feed or a diff
 * (`Decree-Feed: full` or `diff; from=N`), an ETag for conditional requests (RFC 9110 §8.8.3) and the
 * registry's Ed25519 signature over the exact bytes (`Decree-Signature: ed25519 <keyId> <base64>`).
 */
export async function sendFeed(request: FastifyRequest, reply: FastifyReply, opened: OpenFeed) {
  const { feed } = opened;
  const etag = `"${feed.sha256.slice(0, 32)}"`;
  releaseHeaders(reply, feed)
    .header("ETag", etag)
    .header("Cache-Control", "no-cache")
    .header("Decree-Signature", `ed25519 ${feed.keyId} ${feed.signature}`);
  if (matchesEtag(request.headers["if-none-match"], etag)) {
    await opened.handle?.close();
    return reply.code(304).send();
  }
  reply.type(feed.contentType).header("Content-Length", feed.size);
  return reply.send(opened.bytes ?? opened.handle.createReadStream());
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
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim().replace(/^W\//, "");
    return candidate === "*" || candidate === etag;
  });
}
