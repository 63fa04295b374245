import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { ZoneRecord } from "./rpz-records.ts";

/**
 * The canary: one RPZ local-data record (draft-ietf-dnsop-dns-rpz §4.3) whose owner is a name decree controls,
 * e.g. `serial.check.decree.example.` under the zone's apex. A resolver that applied the zone answers a TXT query
 * for that name with the record's text, so a probe asking through the resolver reads which release it applied:
 * `decree serial N <digest>`. Every release replaces it, in the release's own transaction.
 */
export interface Canary {
  /** The release serial (release number modulo 2^32, as feeds and acknowledgments name a release). */
  serial: number;
  /** The release's digest (hex SHA-256): which state of the zone, not only which number. */
  digest: string;
}

const prefix = "decree serial ";

/**
 * The canary's TTL: a second, so that a resolver caching its rewritten answers (PowerDNS Recursor's packet
 * cache) shows a new release within a second of applying it, and the measured time is the resolver's own.
 */
export const canaryTtl = 1;

export function canaryText(canary: Canary): string {
  return `${prefix}${canary.serial} ${canary.digest}`;
}

/** The serial and digest a canary text names; undefined for any other text. */
export function parseCanaryText(text: string): Canary | undefined {
  const match = /^decree serial (\d{1,10}) ([0-9a-f]{64})$/.exec(text.trim());
  if (!match) return undefined;
  const serial = Number(match[1]);
  return serial <= 0xffffffff ? { serial, digest: match[2]! } : undefined;
}

/** The canary's record: its owner is the check name, relative to the apex like every trigger. */
export function canaryRecord(name: string, canary: Canary): ZoneRecord {
  return { owner: name, rtype: "TXT", rdata: canaryText(canary) };
}

/** Only the canary is TXT in the zone: decree writes no other TXT record. */
export function isCanaryRecord(record: { rtype: string }): boolean {
  return record.rtype === "TXT";
}

/**
 * A release's digest: SHA-256 over the previous release's digest and this release's journal, each record as
 * `op owner type data` on a line, sorted. Chained, so that the text names the whole history of the zone; a
 * verifier holding the journal recomputes it. The canary's own change is not in it (it would name itself).
 */
export function releaseDigest(
  previous: string | null,
  releaseId: number,
  removed: readonly ZoneRecord[],
  added: readonly ZoneRecord[],
): string {
  const lines = [
    ...removed.map((r) => `del ${r.owner} ${r.rtype} ${r.rdata}`),
    ...added.map((r) => `add ${r.owner} ${r.rtype} ${r.rdata}`),
  ].sort();
  return createHash("sha256")
    .update(`decree release ${releaseId}\n${previous ?? ""}\n${lines.join("\n")}\n`)
    .digest("hex");
}

/**
 * The default check name: `serial.check.` and the registry's domain, the host of its public URL when that is a
 * DNS name, else the zone's parent (`rpz.decree.example` → `decree.example`). Never a name under the zone
 * itself: a BIND secondary is authoritative for the zone and would answer such a name from it, not by policy.
 */
export function defaultCanaryName(zone: string, publicUrl: string | undefined): string {
  const host = publicUrl ? hostOf(publicUrl) : undefined;
  if (host && /[a-z]/.test(host.split(".").at(-1) ?? "") && host.includes(".")) return `serial.check.${host}`;
  const labels = zone.split(".");
  return `serial.check.${labels.length > 1 ? labels.slice(1).join(".") : `${zone}-registry`}`;
}

function hostOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host.startsWith("[") ? undefined : host;
  } catch {
    return undefined;
  }
}

/**
 * The canary's type as a literal, not a bound parameter: only then do SQLite and PostgreSQL match a query to the
 * partial index zone_records_canary, which holds the one canary record, instead of reading the whole zone.
 */
export const canaryRtype = sql.lit("TXT");
