import type { FastifyInstance } from "fastify";

/**
 * The web UI's policy (CSP Level 3): its scripts and styles are Vite's files under /assets, fetched from this
 * origin only; nothing inline, no eval, no plug-ins, no framing, no <base> rewriting, forms post here only.
 * React sets styles through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed.
 */
export const webUiPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join("; ");

/** For any other HTML the app might answer with (none is expected): nothing may load or run. */
const fallbackPolicy = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Headers every answer carries: `X-Content-Type-Options: nosniff` (Fetch standard §3.7; a JSON or CSV body is
 * never run as a script or page), and a Content-Security-Policy on HTML that did not set a stricter one of its
 * own (the web UI, the appeal pages and the stop page each do).
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("text/html") && !reply.hasHeader("content-security-policy")) {
      reply.header("content-security-policy", fallbackPolicy);
    }
    return payload;
  });
}
