import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as dnsPacket from "dns-packet";
import ipaddr from "ipaddr.js";
import { type MessageHeader, MessageWriter, writeMessages } from "./message-writer.ts";
import type { RecordToWrite, SoaData } from "./record-to-write.ts";
import { RRClass, RRType } from "./rr-type.ts";

const apex = "rpz.decree";
const soa: SoaData = {
  mname: "localhost.",
  rname: "hostmaster.rpz.decree.",
  serial: 2026060101,
  refresh: 3600,
  retry: 600,
  expire: 864000,
  minimum: 60,
};
const axfrHeader: MessageHeader = {
  id: 0xbeef,
  flags: 0x8400,
  question: { name: apex, type: RRType.AXFR, class: RRClass.IN },
};
const label63 = "a".repeat(63);
/** 253 characters: the longest name there is (255 octets on the wire). */
const name253 = `${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(50)}.${apex}`;

/** One record of every supported type, and the names that are easy to get wrong. */
const everyKind: RecordToWrite[] = [
  { name: `${apex}.`, ttl: 60, data: { type: "SOA", soa } },
  { name: apex, ttl: 60, data: { type: "NS", target: "localhost." } },
  { name: `ns.${apex}`, ttl: 60, data: { type: "NS", target: `ns1.${apex}` } },
  { name: `allostreaming.com.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `*.allostreaming.com.${apex}`, ttl: 60, data: { type: "CNAME", target: "*." } },
  { name: `nodata.example.${apex}.`, ttl: 300, data: { type: "CNAME", target: "*." } },
  { name: `exempt.allostreaming.com.${apex}`, ttl: 60, data: { type: "CNAME", target: "rpz-passthru." } },
  { name: `dropped.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "rpz-drop." } },
  { name: `32.7.97.114.188.rpz-ip.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `128.3.zz.db8.2001.rpz-ip.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `xn--bcher-kva.de.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `stop.example.${apex}`, ttl: 0, data: { type: "A", address: "192.0.2.80" } },
  { name: `stop.example.${apex}`, ttl: 2147483647, data: { type: "AAAA", address: "2001:db8::80" } },
  { name: `mapped.example.${apex}`, ttl: 60, data: { type: "AAAA", address: "::ffff:192.0.2.1" } },
  { name: `page.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "stop-page.decree.example." } },
  {
    name: `why.example.${apex}`,
    ttl: 60,
    data: { type: "TXT", texts: ["TGI Paris RG 11/60013", "wörld", ""] },
  },
  { name: `${label63}.${apex}`, ttl: 60, data: { type: "CNAME", target: `${label63}.example` } },
  { name: name253, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `_sip._tcp.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
  { name: `${apex}`, ttl: 60, data: { type: "SOA", soa: { ...soa, serial: 0xffffffff } } },
];

/** Presentation names as dns-packet prints them: no trailing dot, "." for the root. */
function plainName(name: string): string {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  return trimmed === "" ? "." : trimmed;
}

function expectedData(record: RecordToWrite): unknown {
  const { data } = record;
  switch (data.type) {
    case "A":
      return data.address;
    case "AAAA":
      return ipaddr.parse(data.address).toNormalizedString();
    case "CNAME":
    case "NS":
      return plainName(data.target);
    case "SOA":
      return { ...data.soa, mname: plainName(data.soa.mname), rname: plainName(data.soa.rname) };
    case "TXT":
      return data.texts.map((text) => Buffer.from(text, "utf8"));
  }
}

function decodedData(answer: dnsPacket.Answer | undefined): unknown {
  if (answer === undefined || answer.type === "OPT") return undefined;
  if (answer.type === "AAAA") return ipaddr.parse(answer.data).toNormalizedString();
  return answer.data;
}

/** Decodes `message` with dns-packet and checks its answers are `records`, in order, field by field. */
function assertAnswers(message: Buffer, records: readonly RecordToWrite[]): dnsPacket.DecodedPacket {
  const packet = dnsPacket.decode(message);
  const answers = packet.answers ?? [];
  assert.equal(answers.length, records.length, "answer count");
  records.forEach((record, index) => {
    const answer = answers[index]!;
    const where = `answer ${index} (${record.name})`;
    assert.equal(answer.name, plainName(record.name), where);
    assert.equal(answer.type, record.data.type, where);
    assert.equal(answer.class, "IN", where);
    assert.equal(answer.ttl, record.ttl, where);
    assert.deepEqual(decodedData(answer), expectedData(record), where);
  });
  return packet;
}

interface Pointer {
  at: number;
  target: number;
}

/**
 * Walks the message by RFC 1035 §4.1 independently of both codecs, noting every compression pointer and every
 * offset where a label starts, so that tests can check where pointers lead.
 */
function scanNames(message: Buffer): { pointers: Pointer[]; labelStarts: Set<number> } {
  const pointers: Pointer[] = [];
  const labelStarts = new Set<number>();
  const readName = (start: number): number => {
    let at = start;
    for (;;) {
      const length = message[at]!;
      if (length >= 0xc0) {
        pointers.push({ at, target: message.readUInt16BE(at) & 0x3fff });
        return at + 2;
      }
      if (length === 0) return at + 1;
      labelStarts.add(at);
      at += 1 + length;
    }
  };
  let at = 12;
  for (let index = 0; index < message.readUInt16BE(4); index++) at = readName(at) + 4;
  for (let index = 0; index < message.readUInt16BE(6); index++) {
    at = readName(at);
    const type = message.readUInt16BE(at);
    const rdata = at + 10;
    const end = rdata + message.readUInt16BE(at + 8);
    if (type === RRType.CNAME || type === RRType.NS) readName(rdata);
    if (type === RRType.SOA) readName(readName(rdata));
    at = end;
  }
  return { pointers, labelStarts };
}

/** dns-packet's encoding of the same answers: it never compresses names. */
function uncompressedSize(records: readonly RecordToWrite[]): number {
  const answers = records.map((record) => {
    const { data } = record;
    const value =
      data.type === "SOA"
        ? data.soa
        : data.type === "A" || data.type === "AAAA"
          ? data.address
          : data.type === "TXT"
            ? data.texts
            : data.target;
    return {
      name: record.name,
      type: data.type,
      ttl: record.ttl,
      class: "IN",
      data: value,
    } as dnsPacket.Answer;
  });
  return dnsPacket.encode({ id: 1, type: "response", flags: 0x400, answers }).length;
}

/** RPZ entries as decree writes them: every second one a domain trigger, the name and `*.name`. */
function rpzRecords(entries: number, prefix = "mirror"): RecordToWrite[] {
  const records: RecordToWrite[] = [];
  const tlds = ["com", "net", "fr", "co.uk"];
  for (let index = 0; index < entries; index++) {
    const name = `${prefix}${index}.allostreaming.${tlds[index % tlds.length]}.${apex}`;
    const data =
      index % 7 === 6
        ? ({ type: "A", address: "192.0.2.80" } as const)
        : ({ type: "CNAME", target: "." } as const);
    records.push({ name, ttl: 60, data });
    if (index % 2 === 0) records.push({ name: `*.${name}`, ttl: 60, data });
  }
  return records;
}

function writeOne(records: readonly RecordToWrite[], maxSize = 65535, header = axfrHeader): Buffer {
  const writer = new MessageWriter({ maxSize });
  writer.begin(header);
  for (const record of records) assert.equal(writer.addAnswer(record), true, `room for ${record.name}`);
  return writer.finish();
}

describe("MessageWriter", () => {
  it("writes messages that dns-packet decodes to exactly the records given, for every type", () => {
    const message = writeOne(everyKind);
    const packet = assertAnswers(message, everyKind);
    assert.equal(packet.id, 0xbeef);
    assert.equal(packet.flag_qr, true);
    assert.equal(packet.flag_aa, true);
    assert.deepEqual(packet.questions, [{ name: apex, type: "AXFR", class: "IN" }]);
    assert.equal(packet.authorities?.length, 0);
    assert.equal(packet.additionals?.length, 0);
  });

  it("encodes the root as one zero octet and `*.` as the label `*` then the root", () => {
    const message = writeOne(
      [
        { name: `a.${apex}`, ttl: 1, data: { type: "CNAME", target: "." } },
        { name: `b.${apex}`, ttl: 1, data: { type: "CNAME", target: "*." } },
      ],
      512,
      { id: 1, flags: 0 },
    );
    // Header, then a.rpz.decree (uncompressed: the first name), type..rdlength, rdata.
    const first = 12 + 1 + 1 + apex.length + 2;
    assert.equal(message.readUInt16BE(first + 8), 1, "RDLENGTH of CNAME .");
    assert.equal(message[first + 10], 0);
    const second = first + 11 + 2 + 2; // "b" label and a pointer to rpz.decree
    assert.equal(message.readUInt16BE(second + 8), 3, "RDLENGTH of CNAME *.");
    assert.deepEqual([...message.subarray(second + 10, second + 13)], [1, 0x2a, 0]);
    assert.equal(message.length, second + 13);
  });

  it("compresses names: far smaller than dns-packet's encoding, each pointer leading back to a label", () => {
    const records = [...everyKind, ...rpzRecords(200)];
    const message = writeOne(records);
    assertAnswers(message, records);
    assert.ok(message.length < uncompressedSize(records) * 0.6, `${message.length} octets`);
    const { pointers, labelStarts } = scanNames(message);
    assert.ok(pointers.length > records.length, `${pointers.length} pointers`);
    for (const { at, target } of pointers) {
      assert.ok(target < at, `pointer at ${at} leads forward to ${target}`);
      assert.ok(labelStarts.has(target), `pointer at ${at} leads to ${target}, which is not a label`);
    }
  });

  it("compresses a domain trigger's `*.name` to one label and a pointer to `name`", () => {
    const message = writeOne(rpzRecords(2));
    const { pointers } = scanNames(message);
    const star = pointers.find(({ at }) => message[at - 2] === 1 && message[at - 1] === 0x2a);
    assert.ok(star, "a `*` label followed by a pointer");
    assert.equal(message.subarray(star.target + 1, star.target + 1 + "mirror0".length).toString(), "mirror0");
  });

  it("compresses the names inside NS, CNAME and SOA RDATA", () => {
    const records: RecordToWrite[] = [
      { name: apex, ttl: 60, data: { type: "SOA", soa: { ...soa, mname: `ns1.${apex}` } } },
      { name: apex, ttl: 60, data: { type: "NS", target: `ns1.${apex}` } },
      { name: `x.${apex}`, ttl: 60, data: { type: "CNAME", target: `ns1.${apex}` } },
    ];
    const message = writeOne(records, 512, { id: 2, flags: 0 });
    assertAnswers(message, records);
    // NS and CNAME RDATA are each a single pointer to ns1.rpz.decree, written once in the SOA.
    const rdataLengths = [];
    let at = 12;
    for (let index = 0; index < 3; index++) {
      while (message[at]! !== 0 && message[at]! < 0xc0) at += 1 + message[at]!;
      at += message[at] === 0 ? 1 : 2;
      rdataLengths.push(message.readUInt16BE(at + 8));
      at += 10 + message.readUInt16BE(at + 8);
    }
    assert.deepEqual(rdataLengths.slice(1), [2, 2]);
  });

  it("matches names case-insensitively and keeps the case of what it writes in full", () => {
    const records: RecordToWrite[] = [
      { name: `Example.COM.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
      { name: `www.example.com.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
    ];
    const message = writeOne(records, 512, { id: 3, flags: 0 });
    const answers = dnsPacket.decode(message).answers ?? [];
    assert.equal(answers[0]?.name, `Example.COM.${apex}`);
    assert.equal(answers[1]?.name.toLowerCase(), `www.example.com.${apex}`);
    assert.equal(message.length, 12 + (1 + 7 + 1 + 3 + 1 + 3 + 1 + 6 + 1) + 11 + (1 + 3 + 2) + 11);
  });

  it("checks every label it points to, so names whose labels hash alike are not mixed up", () => {
    // "gdyf49yj" and "s1mzc5ar" have the same 32-bit FNV-1a hash, the one the compression table uses.
    const records: RecordToWrite[] = [
      { name: `gdyf49yj.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
      { name: `s1mzc5ar.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
      { name: `www.s1mzc5ar.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
    ];
    assertAnswers(writeOne(records), records);
  });

  it("points only into the first 16 KiB, the reach of 14-bit pointers, and stays correct beyond it", () => {
    const records = rpzRecords(3000);
    const writer = new MessageWriter({ maxSize: 65535 });
    writer.begin(axfrHeader);
    const written = records.filter((record) => writer.addAnswer(record));
    const message = writer.finish();
    assert.ok(message.length > 0xc000, `a message of ${message.length} octets`);
    assertAnswers(message, written);
    const { pointers, labelStarts } = scanNames(message);
    for (const { at, target } of pointers) {
      assert.ok(target <= 0x3fff && labelStarts.has(target) && target < at, `pointer at ${at} to ${target}`);
    }
    const beyond = pointers.filter(({ at }) => at >= 0x4000);
    assert.ok(beyond.length > written.length / 2, "names past 16 KiB still point to suffixes before it");
  });

  it("returns false exactly when the next record would take the message past maxSize", () => {
    const records = rpzRecords(40);
    const probe = new MessageWriter({ maxSize: 65535 });
    probe.begin(axfrHeader);
    for (const record of records.slice(0, -1)) probe.addAnswer(record);
    const before = probe.size;
    probe.addAnswer(records.at(-1)!);
    const needed = probe.size;

    const exact = new MessageWriter({ maxSize: needed });
    exact.begin(axfrHeader);
    assert.ok(records.every((record) => exact.addAnswer(record)));
    const full = exact.finish();
    assert.equal(full.length, needed);
    assertAnswers(full, records);

    const short = new MessageWriter({ maxSize: needed - 1 });
    short.begin(axfrHeader);
    assert.ok(records.slice(0, -1).every((record) => short.addAnswer(record)));
    assert.equal(short.addAnswer(records.at(-1)!), false);
    assert.equal(short.size, before, "nothing written by the refused record");
    const message = short.finish();
    assert.equal(message.length, before);
    assertAnswers(message, records.slice(0, -1));
  });

  it("forgets the names of a refused record, so later records never point into what was discarded", () => {
    const writer = new MessageWriter({ maxSize: 512 });
    writer.begin({ id: 4, flags: 0 });
    const first: RecordToWrite = { name: `a.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } };
    const tooLong: RecordToWrite = {
      name: `fresh.example.${apex}`,
      ttl: 60,
      data: { type: "TXT", texts: ["x".repeat(255), "y".repeat(255)] },
    };
    const after: RecordToWrite = {
      name: `fresh.example.${apex}`,
      ttl: 60,
      data: { type: "A", address: "192.0.2.1" },
    };
    assert.equal(writer.addAnswer(first), true);
    assert.equal(writer.addAnswer(tooLong), false);
    assert.equal(writer.addAnswer(after), true);
    assertAnswers(writer.finish(), [first, after]);
  });

  it("takes a TXT record of several KiB where it fits, and refuses it cleanly where it does not", () => {
    const texts = Array.from({ length: 20 }, (_, index) => String(index).repeat(255).slice(0, 255));
    const long: RecordToWrite = { name: `why.${apex}`, ttl: 60, data: { type: "TXT", texts } };
    const first = rpzRecords(1)[0]!;
    const small = new MessageWriter({ maxSize: 4096 });
    small.begin(axfrHeader);
    assert.equal(small.addAnswer(first), true);
    assert.equal(small.addAnswer(long), false);
    assertAnswers(small.finish(), [first]);
    assertAnswers(writeOne([first, long, first]), [first, long, first]);
  });

  it("keeps room for additional records with `reserve` and adds them as given", () => {
    const raw = Buffer.from([0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 11, 10, ...Buffer.from("signature!")]);
    const writer = new MessageWriter({ maxSize: 512, reserve: raw.length });
    writer.begin(axfrHeader);
    const written = rpzRecords(100).filter((record) => writer.addAnswer(record));
    assert.ok(writer.size <= 512 - raw.length);
    writer.addRawAdditional(raw);
    const message = writer.finish();
    assert.ok(message.length <= 512);
    const packet = assertAnswers(message, written);
    assert.equal(packet.additionals?.length, 1);
    assert.deepEqual(decodedData(packet.additionals?.[0]), [Buffer.from("signature!")]);
    assert.throws(() => writer.addAnswer(written[0]!), /begin/);
  });

  it("frames a message for TCP with its two-octet length", () => {
    const writer = new MessageWriter({ maxSize: 512 });
    writer.begin(axfrHeader);
    writer.addAnswer(everyKind[0]!);
    const framed = writer.finishForTcp();
    assert.equal(framed.readUInt16BE(0), framed.length - 2);
    assertAnswers(framed.subarray(2), [everyKind[0]!]);
  });

  it("returns messages of their own, which the next message leaves unchanged", () => {
    const writer = new MessageWriter({ maxSize: 512 });
    writer.begin(axfrHeader);
    writer.addAnswer(everyKind[3]!);
    const first = writer.finish();
    const copy = Buffer.from(first);
    writer.begin({ id: 9, flags: 0 });
    writer.addAnswer(everyKind[11]!);
    writer.finish();
    assert.deepEqual(first, copy);
  });

  const refused: [string, RecordToWrite][] = [
    ["a 64-octet label", { name: `${"a".repeat(64)}.${apex}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["a 254-character name", { name: `x${name253}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["an empty label", { name: `a..${apex}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["a leading dot", { name: `.${apex}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["two trailing dots", { name: `${apex}..`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["a U-label", { name: `bücher.de.${apex}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    ["a space", { name: `a b.${apex}`, ttl: 1, data: { type: "CNAME", target: "." } }],
    [
      "a long CNAME target",
      { name: `t.${apex}`, ttl: 1, data: { type: "CNAME", target: `${"a".repeat(64)}.` } },
    ],
    ["a negative TTL", { name: `t.${apex}`, ttl: -1, data: { type: "CNAME", target: "." } }],
    ["a TTL of 2^31", { name: `t.${apex}`, ttl: 2 ** 31, data: { type: "CNAME", target: "." } }],
    ["a short-form IPv4 address", { name: `t.${apex}`, ttl: 1, data: { type: "A", address: "127.1" } }],
    [
      "an IPv6 address with a zone",
      { name: `t.${apex}`, ttl: 1, data: { type: "AAAA", address: "fe80::1%eth0" } },
    ],
    [
      "a 256-octet TXT string",
      { name: `t.${apex}`, ttl: 1, data: { type: "TXT", texts: ["é".repeat(128)] } },
    ],
    ["a TXT without strings", { name: `t.${apex}`, ttl: 1, data: { type: "TXT", texts: [] } }],
    [
      "an SOA serial over 2^32",
      { name: apex, ttl: 1, data: { type: "SOA", soa: { ...soa, serial: 2 ** 32 } } },
    ],
  ];
  for (const [what, record] of refused) {
    it(`refuses ${what} with an error and leaves the message as it was`, () => {
      const writer = new MessageWriter({ maxSize: 512 });
      writer.begin(axfrHeader);
      const first = rpzRecords(1)[0]!;
      writer.addAnswer(first);
      assert.throws(() => writer.addAnswer(record), Error);
      const reuse: RecordToWrite = { name: `t.${apex}`, ttl: 5, data: { type: "CNAME", target: "*." } };
      writer.addAnswer(reuse);
      assertAnswers(writer.finish(), [first, reuse]);
    });
  }

  it("refuses sizes outside 512 to 65,535 octets and header fields over 16 bits", () => {
    assert.throws(() => new MessageWriter({ maxSize: 511 }), /maxSize/);
    assert.throws(() => new MessageWriter({ maxSize: 65536 }), /maxSize/);
    assert.throws(() => new MessageWriter({ maxSize: 512, reserve: 400 }), /reserve/);
    assert.throws(() => new MessageWriter({ maxSize: 512 }).begin({ id: 65536, flags: 0 }), /id/);
  });
});

describe("writeMessages", () => {
  const records = [everyKind[0]!, everyKind[1]!, ...rpzRecords(6000), everyKind[0]!];

  for (const maxSize of [512, 16384, 65535]) {
    it(`packs ${records.length} records in as few messages of at most ${maxSize} octets as possible`, () => {
      const messages = [...writeMessages(axfrHeader, records, { maxSize })];
      const decoded: RecordToWrite[][] = [];
      let next = 0;
      for (const [index, message] of messages.entries()) {
        assert.ok(message.length <= maxSize, `message ${index} has ${message.length} octets`);
        const count = message.readUInt16BE(6);
        const own = records.slice(next, next + count);
        const packet = assertAnswers(message, own);
        assert.equal(packet.id, axfrHeader.id);
        assert.equal(
          packet.questions?.length,
          index === 0 ? 1 : 0,
          "only the first message has the question",
        );
        decoded.push(own);
        next += count;
      }
      assert.equal(next, records.length, "every record, in order");
      // Greedy is optimal here: each full message, written again, has no room for the next message's first
      // record.
      for (let index = 0; index < messages.length - 1; index++) {
        const writer = new MessageWriter({ maxSize });
        writer.begin(index === 0 ? axfrHeader : { id: axfrHeader.id, flags: axfrHeader.flags });
        for (const record of decoded[index]!) writer.addAnswer(record);
        assert.equal(
          writer.addAnswer(decoded[index + 1]![0]!),
          false,
          `message ${index} could take one more`,
        );
      }
    });
  }

  it("repeats the question when asked, frames for TCP, and lets beforeFinish add a signature", () => {
    const signature = Buffer.from([0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 5, 4, ...Buffer.from("sig!")]);
    const seen: number[] = [];
    const messages = [
      ...writeMessages(axfrHeader, records, {
        maxSize: 16384,
        reserve: signature.length,
        questionInEveryMessage: true,
        tcp: true,
        beforeFinish: (writer, index) => {
          seen.push(index);
          writer.addRawAdditional(signature);
        },
      }),
    ];
    assert.deepEqual(
      seen,
      messages.map((_, index) => index),
    );
    for (const framed of messages) {
      assert.equal(framed.readUInt16BE(0), framed.length - 2);
      assert.ok(framed.length - 2 <= 16384);
      const packet = dnsPacket.decode(framed.subarray(2));
      assert.equal(packet.questions?.length, 1);
      assert.deepEqual(decodedData(packet.additionals?.[0]), [Buffer.from("sig!")]);
    }
  });

  it("yields one message without answers for no records, and refuses a record no message can hold", () => {
    const [empty, ...rest] = [...writeMessages(axfrHeader, [], { maxSize: 512 })];
    assert.equal(rest.length, 0);
    assert.deepEqual(dnsPacket.decode(empty!).answers, []);
    const huge: RecordToWrite = {
      name: apex,
      ttl: 1,
      data: { type: "TXT", texts: ["x".repeat(255), "y".repeat(255)] },
    };
    assert.throws(() => [...writeMessages(axfrHeader, [huge], { maxSize: 512 })], /does not fit/);
  });
});
