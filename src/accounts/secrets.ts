import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A new bearer secret: 32 random bytes (256 bits, beyond any guessing) in base64url, so that it travels in a
 * header or a cookie unescaped (RFC 6750 §2.1 b64token, RFC 6265 cookie-octet).
 */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * What the store keeps of a high-entropy secret: its SHA-256, hex. A fast hash is right here (unlike passwords):
 * the secret has 256 bits, so a stolen table cannot be reversed by trying candidates.
 */
export function digestSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares a presented secret with a stored digest in constant time. */
export function secretMatches(secret: string, digest: string): boolean {
  const presented = Buffer.from(digestSecret(secret), "hex");
  const stored = Buffer.from(digest, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
