import { rcodeName as dnsRcodeName } from "../types/dns-rcode.ts";
import { eventLog } from "./event-log.ts";
import {
  notifyAcknowledged,
  notifyFailed,
  notifySent,
  secondaryAskedSerial,
  secondaryLastTransfer,
  secondaryServedSerial,
  zoneTransferBytes,
  zoneTransferSeconds,
  zoneTransfers,
} from "./metrics.ts";
import type { PeerNames } from "./peer-names.ts";

/** A transfer the DNS primary finished handing over (its `transfer` event). */
export interface TransferRecord {
  kind: "AXFR" | "IXFR" | "IXFR-AXFR" | "IXFR-UPTODATE";
  remote: string;
  by: string;
  fromSerial?: number;
  serial: number;
  messages: number;
  bytes: number;
  /** Resource records in the answer sections of its messages. */
  records?: number;
  ms?: number;
}

/** A query the primary answered REFUSED, or a TSIG failure (its `refused` event). */
export interface RefusalRecord {
  remote: string;
  reason: string;
  /** What was asked, when known: AXFR, IXFR, SOA or another type. */
  kind?: string;
}

/** A transfer that stopped before its last message: the secondary hung up, or building it failed. */
export interface AbortedTransferRecord {
  kind: string;
  remote: string;
  by: string;
  serial?: number;
  sent: number;
  reason: string;
}

/**
 * One NOTIFY's fate (RFC 1996): acknowledged, or not after every retry. `rcode` is the answer's RCODE when one
 * came: only NOERROR counts as an acknowledgment here, whatever the sender decided about retrying.
 */
export interface NotifyRecord {
  target: { host: string; port: number };
  serial: number;
  acknowledged: boolean;
  attempts: number;
  ms?: number;
  rcode?: string | number;
}

/**
 * Turns the DNS primary's and the NOTIFY sender's events into metrics and one structured log line each, with
 * the peer named (peer-names.ts). main.ts wires each event to one method; the NOTIFY code may also call
 * `notified` itself.
 */
export class DnsObserver {
  constructor(private readonly peers: PeerNames) {}

  async transfer(transfer: TransferRecord): Promise<void> {
    const { peer, operator } = await this.peers.ofTransfer(transfer.remote, transfer.by);
    const kind = transfer.kind === "AXFR" ? "AXFR" : "IXFR";
    zoneTransfers.inc({ kind, result: "ok", peer });
    zoneTransferBytes.inc({ kind, peer }, transfer.bytes);
    if (transfer.ms !== undefined) zoneTransferSeconds.observe({ kind }, transfer.ms / 1000);
    if (transfer.fromSerial !== undefined) secondaryAskedSerial.set({ peer }, transfer.fromSerial);
    secondaryServedSerial.set({ peer }, transfer.serial);
    secondaryLastTransfer.set({ peer }, Date.now() / 1000);
    eventLog().info(
      {
        event: "zone.transfer",
        peer,
        operator,
        remote: transfer.remote,
        by: transfer.by,
        kind: transfer.kind,
        fromSerial: transfer.fromSerial,
        serial: transfer.serial,
        records: transfer.records,
        messages: transfer.messages,
        bytes: transfer.bytes,
        ms: transfer.ms,
      },
      "zone transfer served",
    );
  }

  /** An SOA query, the way a secondary checks whether its serial is current (RFC 1034 §4.3.5). */
  async soaQuery(query: { remote: string; by?: string | undefined }): Promise<void> {
    const { peer } = await this.peers.ofTransfer(query.remote, query.by);
    zoneTransfers.inc({ kind: "SOA", result: "ok", peer });
    eventLog().debug({ event: "zone.soa", peer, remote: query.remote }, "SOA answered");
  }

  async refused(refusal: RefusalRecord): Promise<void> {
    const { peer } = await this.peers.ofTransfer(refusal.remote, undefined);
    zoneTransfers.inc({ kind: transferKind(refusal.kind), result: "refused", peer });
    eventLog().warn(
      { event: "zone.refused", peer, remote: refusal.remote, kind: refusal.kind, reason: refusal.reason },
      "zone transfer refused",
    );
  }

  async aborted(aborted: AbortedTransferRecord): Promise<void> {
    const { peer, operator } = await this.peers.ofTransfer(aborted.remote, aborted.by);
    zoneTransfers.inc({ kind: transferKind(aborted.kind), result: "error", peer });
    eventLog().warn(
      { event: "zone.transfer-aborted", peer, operator, ...aborted },
      "zone transfer did not complete",
    );
  }

  async notified(outcome: NotifyRecord): Promise<void> {
    const operator = (await this.peers.ofSecondary(outcome.target)) ?? "";
    const secondary = secondaryLabel(outcome.target);
    const labels = { operator, secondary };
    notifySent.inc(labels, outcome.attempts);
    const rcode = rcodeName(outcome.rcode);
    const ok = outcome.acknowledged && (rcode === undefined || rcode === "NOERROR");
    if (ok) notifyAcknowledged.inc(labels);
    // The sender names an unanswered NOTIFY TIMEOUT; the label keeps the lower-case word the alert rules use.
    const failure = rcode === undefined || rcode === "TIMEOUT" ? "timeout" : rcode;
    if (!ok)
      notifyFailed.inc({
        ...labels,
        reason: outcome.acknowledged && rcode === undefined ? "error" : failure,
      });
    const details = {
      event: "notify",
      operator: operator || undefined,
      secondary,
      serial: outcome.serial,
      acknowledged: ok,
      rcode: ok ? rcode : failure,
      attempts: outcome.attempts,
      ms: outcome.ms,
    };
    if (ok) eventLog().info(details, "NOTIFY acknowledged");
    else eventLog().warn(details, "NOTIFY not acknowledged");
  }
}

function transferKind(kind: string | undefined): string {
  return kind === "AXFR" || kind === "IXFR" || kind === "SOA" ? kind : "other";
}

function secondaryLabel(target: { host: string; port: number }): string {
  return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

function rcodeName(rcode: string | number | undefined): string | undefined {
  if (rcode === undefined) return undefined;
  return typeof rcode === "number" ? dnsRcodeName(rcode) : rcode.toUpperCase();
}
