import dnsPacket from "dns-packet";
import { canaryTtl } from "../canary-record.ts";
import type { RpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import { HeaderFlag } from "./message-writer.ts";
import { RRType } from "./rr-type.ts";
import type { ServedZone } from "./served-zone.ts";
import { zoneSoa } from "./zone-soa.ts";

const nxDomain = 3;

/**
 * Answers an ordinary query into the zone as its authoritative server (RFC 1034 §4.3.2): the apex's SOA and NS,
 * each policy record by its owner, wildcards synthesised for names below a blocked domain (RFC 4592), and
 * NXDOMAIN or NODATA with the SOA otherwise (RFC 2308). Anyone may look: the zone is public by design.
 */
export function answerQuery(
  zone: ServedZone,
  policy: RpzPolicy,
  query: dnsPacket.DecodedPacket,
  name: string,
  type: number,
): Buffer {
  const version = zone.version;
  const soa: dnsPacket.Answer = {
    type: "SOA",
    name: policy.zone,
    ttl: policy.ttl,
    data: { ...zoneSoa(policy, version.serial), minimum: 60 },
  };
  const base = {
    type: "response" as const,
    id: query.id ?? 0,
    flags: HeaderFlag.AA | (query.flag_rd ? HeaderFlag.RD : 0),
    questions: query.questions ?? [],
  };
  if (name === policy.zone) {
    if (type === RRType.SOA) return soaAnswer(policy, version.serial, base, soa);
    if (type === RRType.NS) {
      return dnsPacket.encode({
        ...base,
        answers: [{ type: "NS", name: policy.zone, ttl: policy.ttl, data: "localhost" }],
      });
    }
    return dnsPacket.encode({ ...base, authorities: [soa] });
  }
  const records = recordsAt(zone, name.slice(0, -(policy.zone.length + 1)));
  if (records.length === 0)
    return dnsPacket.encode({ ...base, flags: base.flags | nxDomain, authorities: [soa] });
  const answers = records
    .filter((record) => record.rtype === "CNAME" || typeCode(record.rtype) === type)
    .map(
      (record): dnsPacket.Answer => ({
        type: record.rtype,
        name,
        ttl: record.rtype === "TXT" ? canaryTtl : policy.ttl,
        data: cnameTarget(record),
      }),
    );
  return dnsPacket.encode(answers.length > 0 ? { ...base, answers } : { ...base, authorities: [soa] });
}

/** The last SOA answer encoded: secondaries ask it again and again between releases, alike but for the ID. */
let lastSoa:
  | { serial: number; flags: number; question: string; policy: RpzPolicy; message: Buffer }
  | undefined;

/**
 * The apex SOA answer, encoded once per serial and question (its case and class are echoed, RFC 1035 §4.1.1);
 * the caller copies it to set the ID, so the one kept is never handed out.
 */
function soaAnswer(
  policy: RpzPolicy,
  serial: number,
  base: { flags: number; questions: dnsPacket.Question[] } & Record<string, unknown>,
  soa: dnsPacket.Answer,
): Buffer {
  const [question] = base.questions;
  const asked = question ? `${question.name}\u0000${question.class}\u0000${base.questions.length}` : "";
  const kept = lastSoa;
  if (
    kept &&
    kept.serial === serial &&
    kept.flags === base.flags &&
    kept.question === asked &&
    kept.policy === policy
  )
    return kept.message;
  const message = dnsPacket.encode({ ...base, type: "response", answers: [soa] });
  lastSoa = { serial, flags: base.flags, question: asked, policy, message };
  return message;
}

/** The records at an owner, or those of the nearest wildcard above it (`*.allostreaming.com` for `www.…`). */
function recordsAt(zone: ServedZone, owner: string): ZoneRecord[] {
  const exact = zone.lookup(owner);
  if (exact.length > 0) return exact;
  const labels = owner.split(".");
  for (let i = 1; i < labels.length; i++) {
    const wildcard = zone.lookup(`*.${labels.slice(i).join(".")}`);
    if (wildcard.length > 0) return wildcard;
  }
  return [];
}

function cnameTarget(record: ZoneRecord): string {
  // dns-packet writes names without the root's trailing dot; "." and "*." must stay what they are.
  return record.rtype === "CNAME" && record.rdata.endsWith(".") && record.rdata !== "."
    ? record.rdata.slice(0, -1)
    : record.rdata;
}

function typeCode(rtype: ZoneRecord["rtype"]): number {
  if (rtype === "TXT") return RRType.TXT;
  return rtype === "A" ? RRType.A : rtype === "AAAA" ? RRType.AAAA : RRType.CNAME;
}
