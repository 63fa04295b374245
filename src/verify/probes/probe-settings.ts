import type { ResolverEndpoint } from "./resolver-endpoint.ts";

/** How the registry probes: what it compares with, what counts as a block, and how hard it asks. */
export interface ProbeSettings {
  /** An unfiltered resolver (or the names' authoritative servers) whose answers are the "real" ones. */
  reference?: ResolverEndpoint | undefined;
  /** The stop page's addresses (config `stopPage`): an answer with one of them is a block. */
  stopPage: readonly string[];
  /** Names that must resolve normally at every resolver. */
  controls?: readonly string[] | undefined;
  /** At most this many blocked names per sweep, sampled at random from a larger zone. */
  sample?: number | undefined;
  /** Questions in flight at once. */
  concurrency?: number | undefined;
  timeoutMs?: number | undefined;
  retries?: number | undefined;
  /** Extra CAs trusted for DNS over TLS and HTTPS. */
  ca?: string | Buffer | undefined;
}

/**
 * The service's probe settings from its configuration: a block is an answer with the stop page's addresses,
 * and the checks' resolver (config `checkResolver`) is the reference, asked over UDP.
 */
export function probeSettingsOf(
  stopPage: { ipv4?: string | undefined; ipv6?: string | undefined },
  checkResolver: { host: string; port: number } | undefined,
): ProbeSettings {
  return {
    stopPage: [stopPage.ipv4, stopPage.ipv6].filter((address) => address !== undefined),
    reference: checkResolver && { ...checkResolver, transport: "udp" },
  };
}
