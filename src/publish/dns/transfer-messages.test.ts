import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { defaultRpzPolicy, type RpzPolicy } from "../rpz-policy.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import { HeaderFlag, MessageWriter } from "./message-writer.ts";
import type { RData } from "./record-to-write.ts";
import { RRType } from "./rr-type.ts";
import { ServedZone, zoneKeySeparator } from "./served-zone.ts";
import {
  axfrMessages,
  firstMessageSize,
  transferMessageSize,
  tsigReserve,
  zoneQuestion,
} from "./transfer-messages.ts";
import { transferSigner } from "./transfer-signer.ts";
import { signMessage, type TsigKey, verifyMessage } from "./tsig.ts";
import { zoneRecordToWrite } from "./zone-record-to-write.ts";
import { nsRecord, soaRecord } from "./zone-soa.ts";

const policy: RpzPolicy = { ...defaultRpzPolicy, stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" } };
const question = zoneQuestion(policy, RRType.AXFR);

/** A served zone holding `records`, loaded as the primary loads one. */
async function servedZone(records: ZoneRecord[]): Promise<ServedZone> {
  const source = {
    version: async () => ({ releaseId: 7, serial: 2026120401 }),
    async *pages() {
      for (let at = 0; at < records.length; at += 997) yield records.slice(at, at + 997);
    },
  };
  return ServedZone.load(source as unknown as Parameters<typeof ServedZone.load>[0]);
}

const keyOf = (record: ZoneRecord) => [record.owner, record.rtype, record.rdata].join(zoneKeySeparator);

/**
 * The order as first defined, on strings: the keys sorted, and each `*.name` key right after the first key
 * of `name`, or where `name` would sort when no key has it.
 */
function referenceOrder(records: ZoneRecord[]): string[] {
  const sorted = [...new Set(records.map(keyOf))].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  const wildcards = sorted.filter((key) => key.startsWith("*."));
  const main = sorted.filter((key) => !key.startsWith("*."));
  const out: string[] = [];
  let w = 0;
  let lastOwner: string | undefined;
  const ownerOf = (key: string) => key.slice(0, key.indexOf(zoneKeySeparator));
  for (let m = 0; m < main.length || w < wildcards.length; ) {
    const wildcard = wildcards[w];
    if (wildcard !== undefined && lastOwner !== undefined && ownerOf(wildcard) === `*.${lastOwner}`) {
      out.push(wildcard);
      w++;
      continue;
    }
    lastOwner = undefined;
    const key = main[m];
    if (
      key === undefined ||
      (wildcard !== undefined && Buffer.compare(Buffer.from(wildcard.slice(2)), Buffer.from(key)) < 0)
    ) {
      out.push(wildcard!);
      w++;
      continue;
    }
    out.push(key);
    m++;
    lastOwner = ownerOf(key);
  }
  return out;
}

/** The messages as the encoder made them from decoded strings, each record's owner written from its text. */
function referenceMessages(records: ZoneRecord[], serial: number, id: number): Buffer[] {
  const writer = new MessageWriter({
    maxSize: transferMessageSize,
    reserve: tsigReserve,
    origin: policy.zone,
  });
  const out: Buffer[] = [];
  writer.begin({ id, flags: HeaderFlag.QR | HeaderFlag.AA, question }, firstMessageSize);
  const soa = soaRecord(policy, serial);
  const add = (write: () => boolean) => {
    if (write()) return;
    out.push(writer.finish());
    writer.begin({ id, flags: HeaderFlag.QR | HeaderFlag.AA });
    assert.ok(write(), "a record fits in an empty message");
  };
  add(() => writer.addAnswer(soa));
  add(() => writer.addAnswer(nsRecord(policy)));
  for (const key of referenceOrder(records)) {
    const [owner, rtype, rdata] = key.split(zoneKeySeparator) as [string, ZoneRecord["rtype"], string];
    const record = zoneRecordToWrite({ owner, rtype, rdata }, policy);
    const data: RData = record.data;
    add(() => writer.addAnswerUnderOrigin(key, owner.length, record.ttl, data));
  }
  add(() => writer.addAnswer(soa));
  out.push(writer.finish());
  return out;
}

/** A name as dns-packet gives it: without its trailing dot, but for the root. */
const withoutDot = (name: string) => (name === "." ? name : name.replace(/\.$/, ""));

const label63 = "l".repeat(63);

/** Names of every shape a zone holds: wildcards, IDN, addresses, long labels, names near 255 octets. */
function zoneRecords(count: number): ZoneRecord[] {
  const records: ZoneRecord[] = [];
  const tlds = ["com", "fr", "xn--p1ai", "net"];
  for (let i = 0; i < count; i++) {
    const tld = tlds[i % tlds.length]!;
    const name =
      i % 17 === 0
        ? `${`${i}${label63}`.slice(0, 63)}.${label63}.${label63}.${tld}`
        : i % 11 === 0
          ? `xn--80ak6aa92e${i}.${tld}`
          : i % 7 === 0
            ? `www.shop-${i}.example.${tld}`
            : `site${(i * 7919) % 100_003}.${tld}`;
    const rdata = i % 13 === 0 ? "*." : ".";
    if (i % 97 === 0) {
      records.push({ owner: name, rtype: "A", rdata: "192.0.2.80" });
      records.push({ owner: name, rtype: "AAAA", rdata: "2001:db8::80" });
    } else if (i % 5 !== 4) records.push({ owner: name, rtype: "CNAME", rdata });
    // Wildcards with their name, and some without one (the name only as a wildcard).
    if (i % 2 === 0) records.push({ owner: `*.${name}`, rtype: "CNAME", rdata });
    if (i % 53 === 0) records.push({ owner: `32.${i % 256}.2.0.192.rpz-ip`, rtype: "CNAME", rdata: "." });
    if (i % 89 === 0) records.push({ owner: name, rtype: "CNAME", rdata: "rpz-passthru." });
  }
  records.push({ owner: "canary", rtype: "TXT", rdata: "release 7" });
  // The longest name that fits: 253 characters with the apex.
  const room = 253 - policy.zone.length - 1;
  const long = `${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.`;
  records.push({ owner: `${long}${"d".repeat(room - long.length)}`, rtype: "CNAME", rdata: "." });
  records.push({ owner: `*.${long}${"d".repeat(room - long.length - 2)}`, rtype: "CNAME", rdata: "." });
  return records;
}

describe("an AXFR's messages encoded from the stored octets", () => {
  it("are the octets the encoder made from decoded strings, message for message", async () => {
    for (const count of [0, 1, 40, 3000, 20_000]) {
      const records = zoneRecords(count);
      const zone = await servedZone(records);
      const view = zone.view();
      const messages = [...axfrMessages(policy, view, question, { id: 0x1234 })];
      const expected = referenceMessages(records, view.serial, 0x1234);
      assert.equal(messages.length, expected.length, `${count} entries: as many messages`);
      for (const [index, message] of messages.entries()) {
        assert.ok(message.equals(expected[index]!), `${count} entries: message ${index} is the same`);
      }
    }
  });

  it("start with a small message, which leaves at once, then fill messages of the full size", async () => {
    const zone = await servedZone(zoneRecords(20_000));
    const messages = [...axfrMessages(policy, zone.view(), question)];
    assert.ok(messages[0]!.length <= firstMessageSize - tsigReserve, `${messages[0]!.length} octets first`);
    assert.equal(dnsPacket.decode(messages[0]!).answers?.[0]?.type, "SOA");
    assert.ok(messages[1]!.length > firstMessageSize, `${messages[1]!.length} octets second`);
    assert.ok(messages.every((message) => message.length <= transferMessageSize - tsigReserve));
  });

  it("give every record once, wildcards after their name, across message boundaries", async () => {
    const records = zoneRecords(20_000);
    const zone = await servedZone(records);
    const messages = [...axfrMessages(policy, zone.view(), question)];
    assert.ok(messages.length > 10, "the zone spans many messages");
    const decoded = messages.flatMap((message) => dnsPacket.decode(message).answers ?? []);
    // SOA and NS first, the SOA again last (RFC 5936 §2.2).
    assert.equal(decoded[0]!.type, "SOA");
    assert.equal(decoded.at(-1)!.type, "SOA");
    const suffix = `.${policy.zone}`;
    const got = decoded.slice(2, -1).map((answer) => {
      const owner = answer.name.slice(0, -suffix.length);
      const data = "data" in answer ? answer.data : undefined;
      const rdata = answer.type === "CNAME" ? withoutDot(String(data)) : String(data);
      return `${owner} ${answer.type} ${rdata}`;
    });
    const wanted = referenceOrder(records).map((key) => {
      const [owner, rtype, rdata] = key.split(zoneKeySeparator) as [string, string, string];
      const target = rtype === "CNAME" ? withoutDot(rdata) : rdata;
      return `${owner} ${rtype} ${target}`;
    });
    assert.deepEqual(
      got.map((line) => line.replace(/ TXT .*/, " TXT")),
      wanted.map((line) => line.replace(/ TXT .*/, " TXT")),
    );
  });

  it("refuses an owner that is no name, as the encoder from strings did", async () => {
    for (const owner of ["a..b", `${"x".repeat(64)}.com`, "sp ace.com", "back\\slash.com", "été.fr"]) {
      const zone = await servedZone([{ owner, rtype: "CNAME", rdata: "." }]);
      assert.throws(() => [...axfrMessages(policy, zone.view(), question)], /DNS (name|label)/, owner);
    }
  });
});

describe("an AXFR's messages signed as they are encoded", () => {
  it("each verify in the chain of MACs, from the request's (RFC 8945 §5.3.1)", async () => {
    const key: TsigKey = { name: "k.xfer.decree", algorithm: "hmac-sha256", secret: randomBytes(32) };
    const keys = (name: string) => (name === key.name ? key : undefined);
    const zone = await servedZone(zoneRecords(5000));
    const request = signMessage(
      dnsPacket.encode({
        type: "query",
        id: 7,
        questions: [{ name: policy.zone, type: "AXFR", class: "IN" }],
      }),
      key,
    );
    const messages = [
      ...axfrMessages(policy, zone.view(), question, { id: 7, sign: transferSigner(key, request.mac) }),
    ];
    assert.ok(messages.length > 3);
    let previousMac: Buffer | undefined;
    for (const [index, message] of messages.entries()) {
      const options = index === 0 ? { keys, requestMac: request.mac } : { keys, previousMac };
      const verified = verifyMessage(message, options);
      assert.equal(verified.status, "valid", `message ${index}`);
      if (verified.status === "valid") previousMac = verified.mac;
    }
  });
});
