import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How a webhook request is signed, so that a receiver knows it comes from decree and is not a replay:
 *   Decree-Timestamp: <Unix time in seconds when this attempt was sent>
 *   Decree-Signature: sha256=<lowercase hex HMAC-SHA256 (RFC 2104) of "<timestamp>.<raw body>", keyed
 *                     with the webhook's secret (its UTF-8 bytes)>
 * Signing the timestamp with the body (the scheme Stripe and Slack use) stops an attacker who captured a
 * request from replaying it later: a receiver rejects timestamps more than `toleranceSeconds` away from its
 * clock, and cannot be fooled by a fresh timestamp on an old body. `Decree-Delivery` (the delivery id) lets a
 * receiver ignore a retry of something it already processed.
 */
export const signatureHeader = "decree-signature";
export const timestampHeader = "decree-timestamp";
export const deliveryHeader = "decree-delivery";
export const defaultToleranceSeconds = 300;

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface SignedRequest {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
  toleranceSeconds?: number;
}

/** What a receiver runs: true only for a well-formed, fresh timestamp and a matching signature. */
export function verifyWebhookSignature(request: SignedRequest): boolean {
  if (!request.timestamp || !/^\d{1,12}$/.test(request.timestamp) || !request.signature) return false;
  const timestamp = Number(request.timestamp);
  const skew = Math.abs(request.now.getTime() / 1000 - timestamp);
  if (skew > (request.toleranceSeconds ?? defaultToleranceSeconds)) return false;
  const expected = Buffer.from(webhookSignature(request.secret, timestamp, request.body));
  const given = Buffer.from(request.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
