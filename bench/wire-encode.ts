/**
 * bench/wire-encode: encodes a generated RPZ zone into AXFR messages with MessageWriter, single thread, and
 * prints one JSON line. The zone has `--entries` entries (default 1,000,000): every second one a domain
 * trigger (two records, `name` and `*.name`), the others one record; 19 in 20 actions are `CNAME .`, the rest
 * a stop-page A. Records are built before timing: only encoding (and the copy each message gets) is measured.
 * The line also gives the same zone in 16 KiB messages, and dns-packet (no compression) on the first 100,000
 * records.
 * Usage: node --import tsx bench/wire-encode.ts [--entries 1000000] [--max-size 65535] [--runs 5]
 */
import { parseArgs } from "node:util";
import * as dnsPacket from "dns-packet";
import { type MessageHeader, writeMessages } from "../src/publish/dns/message-writer.ts";
import type { RecordToWrite } from "../src/publish/dns/record-to-write.ts";
import { RRClass, RRType } from "../src/publish/dns/rr-type.ts";
import { suffixes, words } from "./support/name-parts.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    "max-size": { type: "string", default: "65535" },
    runs: { type: "string", default: "5" },
  },
});
const entries = Number(values.entries);
const maxSize = Number(values["max-size"]);
const runs = Number(values.runs);

const apex = "rpz.decree";
const soa: RecordToWrite = {
  name: apex,
  ttl: 60,
  data: {
    type: "SOA",
    soa: {
      mname: "localhost",
      rname: `hostmaster.${apex}`,
      serial: 2026060101,
      refresh: 3600,
      retry: 600,
      expire: 864000,
      minimum: 60,
    },
  },
};

/** Names shaped like bench/import's blocklist, as the zone's records in AXFR order (SOA first and last). */
function generateZone(count: number): RecordToWrite[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const nxdomain = { type: "CNAME", target: "." } as const;
  const stopPage = { type: "A", address: "192.0.2.80" } as const;
  const records: RecordToWrite[] = [soa, { name: apex, ttl: 60, data: { type: "NS", target: "localhost" } }];
  for (let i = 0; i < count; i++) {
    const base = `${words[next() % words.length]}${words[next() % words.length]}${i}`;
    const host = next() % 4 === 0 ? `www.${base}` : base;
    const name = `${host}.${suffixes[next() % suffixes.length]}.${apex}`;
    const data = i % 20 === 19 ? stopPage : nxdomain;
    records.push({ name, ttl: 60, data });
    if (i % 2 === 0) records.push({ name: `*.${name}`, ttl: 60, data });
  }
  records.push(soa);
  return records;
}

const header: MessageHeader = {
  id: 4242,
  flags: 0x8400,
  question: { name: apex, type: RRType.AXFR, class: RRClass.IN },
};

function encodeZone(records: readonly RecordToWrite[], size: number) {
  const started = performance.now();
  let messages = 0;
  let bytes = 0;
  for (const message of writeMessages(header, records, { maxSize: size, reserve: 128, tcp: true })) {
    messages++;
    bytes += message.length;
  }
  return { seconds: (performance.now() - started) / 1000, messages, bytes };
}

function measure(records: readonly RecordToWrite[], size: number) {
  encodeZone(records, size); // warm-up: lets the JIT optimize before timing
  const timings = Array.from({ length: runs }, () => encodeZone(records, size));
  const seconds = timings.map((timing) => timing.seconds).sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  const { messages, bytes } = timings[0]!;
  return {
    maxSize: size,
    messages,
    bytes,
    bytesPerRecord: Number((bytes / records.length).toFixed(2)),
    medianSeconds: Number(median.toFixed(3)),
    recordsPerSecond: Math.round(records.length / median),
    megabytesPerSecond: Number((bytes / 1e6 / median).toFixed(1)),
    bestRecordsPerSecond: Math.round(records.length / seconds[0]!),
  };
}

/** dns-packet, for comparison: no compression, and ~600 records a message as MessageWriter packs them. */
function measureDnsPacket(records: readonly RecordToWrite[]) {
  const answers = records.map((record) => {
    const { data } = record;
    const value =
      data.type === "SOA"
        ? data.soa
        : data.type === "A" || data.type === "AAAA"
          ? data.address
          : "target" in data
            ? data.target
            : data.texts;
    return {
      name: record.name,
      type: data.type,
      ttl: record.ttl,
      class: "IN",
      data: value,
    } as dnsPacket.Answer;
  });
  const started = performance.now();
  let bytes = 0;
  for (let start = 0; start < answers.length; start += 600) {
    bytes += dnsPacket.encode({
      id: 4242,
      type: "response",
      flags: 0x400,
      answers: answers.slice(start, start + 600),
    }).length;
  }
  const seconds = (performance.now() - started) / 1000;
  return { records: answers.length, bytes, recordsPerSecond: Math.round(answers.length / seconds) };
}

const records = generateZone(entries);
const result = measure(records, maxSize);
const at16k = measure(records, 16384);
const { recordsPerSecond, bytes: _b, ...sixteen } = at16k;
console.log(
  JSON.stringify({
    entries,
    records: records.length,
    ...result,
    at16KiB: { recordsPerSecond, ...sixteen },
    dnsPacket: measureDnsPacket(records.slice(0, 100_000)),
    node: process.version,
  }),
);
