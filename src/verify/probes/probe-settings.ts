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
