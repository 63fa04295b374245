import {
  type AbortedTransferRecord,
  DnsObserver,
  type NotifyRecord,
  type RefusalRecord,
  type TransferRecord,
} from "./dns-observer.ts";
import { setEventLog } from "./event-log.ts";
import { dnsPrimaryRestarts, type ScrapeSource, setScrapeSource } from "./metrics.ts";
import { PeerNames, type PeerOperator } from "./peer-names.ts";

/** The DNS primary's events, by structure (this shared module imports no stage). */
interface ObservedPrimary {
  on(event: "transfer", listener: (transfer: TransferRecord) => void): unknown;
  on(event: "refused", listener: (refusal: RefusalRecord) => void): unknown;
  on(event: "soa", listener: (query: { remote: string; by: string | undefined }) => void): unknown;
  on(event: "aborted", listener: (aborted: AbortedTransferRecord) => void): unknown;
  on(event: "restarted", listener: (restart: { downMs: number; restarts: number }) => void): unknown;
}

interface ObservedNotifier {
  on(event: "notified", listener: (outcome: NotifyRecord) => void): unknown;
}

export interface PublicationObservation {
  primary: ObservedPrimary;
  notifier: ObservedNotifier;
  /** The operators, to name peers by their keys, address rules and NOTIFY targets. */
  operators: () => Promise<readonly PeerOperator[]>;
  onError: (error: unknown) => void;
  scrape: ScrapeSource;
}

/**
 * What `decree serve` does for an operator watching it: every transfer, refusal and NOTIFY outcome counted and
 * logged with its peer, the store's figures read at each scrape. Returns the undoing, for the service's close.
 */
export function observePublication(observed: PublicationObservation): () => void {
  const observer = new DnsObserver(new PeerNames(observed.operators));
  const failed = observed.onError;
  observed.primary.on("transfer", (transfer) => void observer.transfer(transfer).catch(failed));
  observed.primary.on("refused", (refusal) => void observer.refused(refusal).catch(failed));
  observed.primary.on("soa", (query) => void observer.soaQuery(query).catch(failed));
  observed.primary.on("aborted", (aborted) => void observer.aborted(aborted).catch(failed));
  observed.primary.on("restarted", () => dnsPrimaryRestarts.inc());
  observed.notifier.on("notified", (outcome) => void observer.notified(outcome).catch(failed));
  setScrapeSource(observed.scrape);
  return () => {
    setEventLog(undefined);
    setScrapeSource(undefined);
  };
}
