import { listenerShare } from "../publish/dns/tcp-connection-limits.ts";

/** What one HTTP client may hold of a server; times in milliseconds. */
export interface HttpServerLimits {
  /** Request bodies past this many octets are refused (413) unless their route allows more (imports, documents). */
  bodyLimit: number;
  /** A request whose headers have not all arrived this long after it began is answered 408 (slow headers). */
  headersTimeoutMs: number;
  /** A request not wholly received this long after it began is answered 408 (slow bodies). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed this long after its last response. */
  keepAliveTimeoutMs: number;
  /** A connection on which nothing moves for this long is closed (Fastify's connectionTimeout). */
  connectionTimeoutMs: number;
  /** Connections open at once; past it new ones are closed at once, so descriptors remain for the rest. */
  maxConnections: number;
}

/** The defaults for a process that may open `descriptorLimit` files (its soft RLIMIT_NOFILE). */
export function httpServerLimits(descriptorLimit: number): HttpServerLimits {
  return {
    bodyLimit: 1_048_576,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 120_000,
    keepAliveTimeoutMs: 5_000,
    connectionTimeoutMs: 60_000,
    maxConnections: listenerShare(descriptorLimit),
  };
}
