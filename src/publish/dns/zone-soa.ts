import type { RpzPolicy } from "../rpz-policy.ts";
import type { RecordToWrite, SoaData } from "./record-to-write.ts";

/**
 * The zone's SOA (RFC 1035 §3.3.13). Secondaries refresh every 5 minutes even without NOTIFY; if decree is
 * unreachable they keep serving the zone for 30 days (expire) rather than dropping every block at once.
 */
export function zoneSoa(policy: RpzPolicy, serial: number): SoaData {
  return {
    mname: "localhost",
    rname: `hostmaster.${policy.zone}`,
    serial,
    refresh: 300,
    retry: 60,
    expire: 2_592_000,
    minimum: 60,
  };
}

export function soaRecord(policy: RpzPolicy, serial: number): RecordToWrite {
  return { name: policy.zone, ttl: policy.ttl, data: { type: "SOA", soa: zoneSoa(policy, serial) } };
}

/** The apex NS: by RPZ convention `localhost.`, since nobody resolves through a policy zone (RPZ-NOTES.md). */
export function nsRecord(policy: RpzPolicy): RecordToWrite {
  return { name: policy.zone, ttl: policy.ttl, data: { type: "NS", target: "localhost" } };
}
