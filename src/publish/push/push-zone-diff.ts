// What to delete from and add to the external primary's copy of the zone so that it holds exactly decree's
// records. The apex (SOA, NS, anything else there) belongs to the server: it keeps its own serial.

import ipaddr from "ipaddr.js";
import { canaryTtl } from "../canary-record.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { UpdateRecord, ZoneChanges } from "./push-update-messages.ts";

/**
 * Records a signing server maintains itself and refuses to take in an update (RFC 4035 §2, RFC 5155,
 * RFC 7344; 65534 is BIND's private signing-state type): never compared, never deleted.
 */
const signerTypes = new Set([
  "RRSIG",
  "NSEC",
  "NSEC3",
  "NSEC3PARAM",
  "DNSKEY",
  "CDS",
  "CDNSKEY",
  "UNKNOWN_65534",
]);

/** A decree record with its absolute owner, as an update carries it. */
export function updateRecordOf(record: ZoneRecord, zone: string, ttl: number): UpdateRecord {
  const name = `${record.owner}.${zone}`;
  switch (record.rtype) {
    case "CNAME":
      return { name, type: "CNAME", class: "IN", ttl, data: record.rdata };
    case "A":
      return { name, type: "A", class: "IN", ttl, data: record.rdata };
    case "AAAA":
      return { name, type: "AAAA", class: "IN", ttl, data: record.rdata };
    case "TXT":
      return { name, type: "TXT", class: "IN", ttl: canaryTtl, data: record.rdata };
  }
}

/**
 * The changes that turn `held` (the server's zone as an AXFR gave it, RFC 5936) into decree's `wanted`.
 * A record whose TTL differs is deleted and added again with decree's TTL. Below the apex, any record decree
 * does not publish goes; signing records stay, as the server keeps them itself.
 */
export function pushZoneDiff(
  held: UpdateRecord[],
  wanted: ZoneRecord[],
  zone: string,
  ttl: number,
): ZoneChanges {
  const suffix = `.${zone.toLowerCase()}`;
  const wantedByKey = new Map<string, ZoneRecord>();
  for (const record of wanted) wantedByKey.set(wantedKey(record, ttl), record);
  const heldKeys = new Set<string>();
  const removals: UpdateRecord[] = [];
  for (const record of held) {
    const name = record.name.toLowerCase().replace(/\.$/, "");
    if (!name.endsWith(suffix) || signerTypes.has(record.type)) continue;
    const key = heldKey(name.slice(0, -suffix.length), record);
    if (key !== undefined && wantedByKey.has(key)) heldKeys.add(key);
    else removals.push(record);
  }
  const additions: UpdateRecord[] = [];
  for (const [key, record] of wantedByKey) {
    if (!heldKeys.has(key)) additions.push(updateRecordOf(record, zone, ttl));
  }
  return { removals, additions };
}

function wantedKey(record: ZoneRecord, ttl: number): string {
  return recordKey(
    record.owner.toLowerCase(),
    record.rtype,
    record.rdata,
    record.rtype === "TXT" ? canaryTtl : ttl,
  );
}

/** The same key for a record of the server, or undefined for types decree never publishes. */
function heldKey(owner: string, record: UpdateRecord): string | undefined {
  if (record.type === "TXT") return recordKey(owner, "TXT", txtData(record.data), record.ttl ?? 0);
  if (record.type !== "CNAME" && record.type !== "A" && record.type !== "AAAA") return undefined;
  return recordKey(owner, record.type, record.data, record.ttl ?? 0);
}

// dns-packet gives names without their final dot ("rpz-passthru", "*", and "." for the root); decree stores
// absolute targets ("rpz-passthru.", "*.", "."). IPv6 addresses have several spellings (RFC 5952).
function recordKey(owner: string, rtype: ZoneRecord["rtype"], rdata: string, ttl: number): string {
  // A TXT's text is compared as written: case is part of it.
  let value = rtype === "TXT" ? rdata : rdata.toLowerCase();
  if (rtype === "CNAME" && !value.endsWith(".")) value = `${value}.`;
  if (rtype === "AAAA" && ipaddr.isValid(value)) value = ipaddr.parse(value).toNormalizedString();
  return `${owner} ${rtype} ${value} ${ttl}`;
}

/** dns-packet gives a TXT's data as one buffer or string per character-string; decree's canary has one. */
function txtData(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts.map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : String(part))).join("");
}
