import type { FastifyReply, FastifyRequest } from "fastify";

/** The browser session's cookie: its value is a 256-bit secret the store keeps only as a digest. */
export const sessionCookie = "decree_session";
/**
 * The session's CSRF token, readable by the web UI's script (not HttpOnly) so that it survives a page reload; the
 * UI echoes it in `X-CSRF-Token`. A cross-site page can neither read it nor set the header (same-origin policy).
 */
export const csrfCookie = "decree_csrf";
export const csrfHeader = "x-csrf-token";

/** "auto": Secure when the request came over TLS (with `trustProxy`, as the proxy says: X-Forwarded-Proto). */
export type SecureCookies = boolean | "auto";

interface CookieValues {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * RFC 6265 §4.1.2: HttpOnly keeps the session from scripts, Secure from plain HTTP, SameSite=Strict (RFC 6265bis)
 * from every cross-site request, Path=/ for the whole API; Expires ends it with the session.
 */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  values: CookieValues,
  secure: SecureCookies,
): void {
  const common = {
    path: "/",
    sameSite: "strict",
    secure: isSecure(request, secure),
    expires: new Date(values.expiresAt),
  } as const;
  reply.setCookie(sessionCookie, values.sessionId, { ...common, httpOnly: true });
  reply.setCookie(csrfCookie, values.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  secure: SecureCookies,
): void {
  const common = { path: "/", sameSite: "strict", secure: isSecure(request, secure) } as const;
  reply.clearCookie(sessionCookie, { ...common, httpOnly: true });
  reply.clearCookie(csrfCookie, common);
}

function isSecure(request: FastifyRequest, secure: SecureCookies): boolean {
  return secure === "auto" ? request.protocol === "https" : secure;
}
