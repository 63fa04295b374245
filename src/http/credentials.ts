import type { FastifyRequest } from "fastify";
import { tokenPrefix } from "../accounts/tokens.ts";
import { sessionCookie } from "./session-cookie.ts";

/** What a request presents to say who it is; the auth plugin checks it. */
export type Credential =
  | { kind: "token"; token: string }
  | { kind: "foreign-bearer" }
  | { kind: "session"; sessionId: string }
  | { kind: "none" };

// RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive (RFC 9110 §11.1).
const bearerPattern = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * A token wins over a session cookie: a script sending both means the token. A Bearer value that is not one of
 * decree's tokens (Piracy Shield clients send the placeholder their login step got) is told apart, so that public
 * routes can ignore it while protected ones refuse it.
 */
export function credentialOf(request: FastifyRequest): Credential {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const token = decreeToken(header);
    return token === undefined ? { kind: "foreign-bearer" } : { kind: "token", token };
  }
  const sessionId = request.cookies?.[sessionCookie];
  if (sessionId) return { kind: "session", sessionId };
  return { kind: "none" };
}

/** The decree token an `Authorization` header presents, if that is what it presents. */
export function decreeToken(header: string): string | undefined {
  const token = bearerPattern.exec(header)?.[1];
  return token?.startsWith(tokenPrefix) ? token : undefined;
}
