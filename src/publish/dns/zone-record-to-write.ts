import { canaryTtl } from "../canary-record.ts";
import type { RpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { RecordToWrite } from "./record-to-write.ts";

/** A stored zone record (owner relative to the apex) as the wire writer takes it. */
export function zoneRecordToWrite(record: ZoneRecord, policy: RpzPolicy): RecordToWrite {
  const name = `${record.owner}.${policy.zone}`;
  switch (record.rtype) {
    case "CNAME":
      return { name, ttl: policy.ttl, data: { type: "CNAME", target: record.rdata } };
    case "A":
      return { name, ttl: policy.ttl, data: { type: "A", address: record.rdata } };
    case "AAAA":
      return { name, ttl: policy.ttl, data: { type: "AAAA", address: record.rdata } };
    case "TXT":
      // The canary's text, one character-string (RFC 1035 §3.3.14); it is well under 255 octets.
      return { name, ttl: canaryTtl, data: { type: "TXT", texts: [record.rdata] } };
  }
}
