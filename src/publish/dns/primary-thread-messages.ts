// What the DNS primary's thread and the service that started it say to each other (structured clones only).
import type { RpzPolicy } from "../rpz-policy.ts";
import type { ResponseRateLimitOptions } from "./response-rate-limit.ts";
import type { TcpConnectionLimits } from "./tcp-connection-limits.ts";

/** Everything the thread needs to open the store itself and serve: plain values, copied into the thread. */
export interface PrimaryThreadSettings {
  store: { dataDir: string; databaseUrl?: string };
  host: string;
  port: number;
  policy: RpzPolicy;
  /** Addresses and prefixes allowed to transfer without TSIG, besides each operator's own. */
  transferAllow: string[];
  tcpLimits?: TcpConnectionLimits;
  rateLimit?: ResponseRateLimitOptions | false;
  refreshMs?: number;
}

/** From the service: a release was committed (serve it, then NOTIFY), or NOTIFY again, or stop. */
export type ToPrimaryThread =
  | { type: "release"; soaSerial: number }
  | { type: "notify"; soaSerial: number }
  | { type: "close" };

/** From the thread: listening, could not start, one of the primary's or the notifier's events, or stopped. */
export type FromPrimaryThread =
  | { type: "ready"; host: string; port: number }
  | { type: "failed"; error: unknown }
  | { type: "event"; source: "primary" | "notifier"; name: string; payload: unknown }
  | { type: "served"; soaSerial: number }
  | { type: "closed" };
