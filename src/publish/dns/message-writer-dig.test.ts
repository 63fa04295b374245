// Cross-checks MessageWriter against BIND's own tools: dig pulls the zone by AXFR from a small TCP server
// written here, and named-checkzone loads what dig received.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import * as dnsPacket from "dns-packet";
import { writeMessages } from "./message-writer.ts";
import type { RecordToWrite, SoaData } from "./record-to-write.ts";
import { RRClass, RRType } from "./rr-type.ts";

const run = promisify(execFile);
const apex = "rpz.decree";
const soa: SoaData = {
  mname: "localhost",
  rname: `hostmaster.${apex}`,
  serial: 2026060101,
  refresh: 3600,
  retry: 600,
  expire: 864000,
  minimum: 60,
};

/** A zone as decree publishes it: SOA, NS, the special actions, and many triggers of each shape. */
function zone(entries: number): RecordToWrite[] {
  const records: RecordToWrite[] = [
    { name: apex, ttl: 60, data: { type: "SOA", soa } },
    { name: apex, ttl: 60, data: { type: "NS", target: "localhost." } },
    { name: `exempt.allostreaming.com.${apex}`, ttl: 60, data: { type: "CNAME", target: "rpz-passthru." } },
    { name: `dropped.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "rpz-drop." } },
    { name: `nodata.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "*." } },
    { name: `32.7.97.114.188.rpz-ip.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
    { name: `xn--bcher-kva.de.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
    { name: `${"a".repeat(63)}.example.${apex}`, ttl: 60, data: { type: "CNAME", target: "." } },
    { name: `stop.example.${apex}`, ttl: 60, data: { type: "A", address: "192.0.2.80" } },
    { name: `stop.example.${apex}`, ttl: 60, data: { type: "AAAA", address: "2001:db8::80" } },
    { name: `stop.example.${apex}`, ttl: 60, data: { type: "TXT", texts: ["TGI Paris RG 11/60013"] } },
  ];
  const tlds = ["com", "net", "fr", "co.uk", "stream"];
  for (let index = 0; index < entries; index++) {
    const name = `mirror${index}.allostreaming.${tlds[index % tlds.length]}.${apex}`;
    const data =
      index % 10 === 9
        ? ({ type: "A", address: "192.0.2.80" } as const)
        : ({ type: "CNAME", target: "." } as const);
    records.push({ name, ttl: 60, data });
    if (index % 2 === 0) records.push({ name: `*.${name}`, ttl: 60, data });
  }
  // RFC 5936 §2.2: an AXFR response starts and ends with the zone's SOA.
  records.push(records[0]!);
  return records;
}

/** How dig prints a record: owner, TTL, class, type, RDATA in presentation form. */
function presentation(record: RecordToWrite): string {
  const { data } = record;
  const rdata =
    data.type === "SOA"
      ? `${data.soa.mname}. ${data.soa.rname}. ${data.soa.serial} ${data.soa.refresh} ${data.soa.retry} ` +
        `${data.soa.expire} ${data.soa.minimum}`
      : data.type === "A" || data.type === "AAAA"
        ? data.address
        : data.type === "TXT"
          ? data.texts.map((text) => `"${text}"`).join(" ")
          : data.target;
  return [`${record.name}.`, record.ttl, "IN", data.type, rdata].join(" ");
}

interface Transfer {
  messages: number;
  bytes: number;
}

/** Answers each AXFR query on a connection with the zone, in messages of at most `maxSize` octets. */
function serve(records: readonly RecordToWrite[], maxSize: number, sent: Transfer[]): Server {
  return createServer((socket: Socket) => {
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const query = dnsPacket.decode(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + pending.readUInt16BE(0));
        const question = query.questions?.[0];
        assert.ok(question?.type === "AXFR", "an AXFR query");
        const header = {
          id: query.id ?? 0,
          flags: 0x8400,
          question: { name: question.name, type: RRType.AXFR, class: RRClass.IN },
        };
        const transfer = { messages: 0, bytes: 0 };
        for (const message of writeMessages(header, records, { maxSize, tcp: true })) {
          socket.write(message);
          transfer.messages++;
          transfer.bytes += message.length - 2; // dig counts the messages, not the TCP length prefixes
        }
        sent.push(transfer);
      }
    });
    socket.on("error", () => {});
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}

async function dig(port: number): Promise<string> {
  const { stdout } = await run(
    "dig",
    ["+tcp", "+tries=1", "+time=10", "@127.0.0.1", "-p", String(port), "AXFR", apex],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

describe("an AXFR written by MessageWriter, as BIND's dig and named-checkzone see it", async () => {
  const digMissing = !(await hasCommand("dig")) && "dig (bind9-dnsutils) is not installed";
  const checkzoneMissing =
    !(await hasCommand("named-checkzone")) && "named-checkzone (bind9-utils) is not installed";
  const records = zone(12_000);
  const directory = mkdtempSync(join(tmpdir(), "decree-axfr-"));
  after(() => rmSync(directory, { recursive: true, force: true }));

  for (const maxSize of [16384, 65535]) {
    describe(`in messages of at most ${maxSize} octets`, () => {
      const sent: Transfer[] = [];
      const server = serve(records, maxSize, sent);
      let output = "";
      before(async () => {
        if (digMissing) return;
        output = await dig(await listen(server));
      });
      after(() => server.close());

      it("dig prints every record, in order, and the transfer's size", { skip: digMissing }, () => {
        const lines = output.split("\n").filter((line) => line !== "" && !line.startsWith(";"));
        const printed = lines.map((line) => line.split(/\s+/).join(" "));
        assert.equal(printed.length, records.length);
        assert.deepEqual(printed, records.map(presentation));
        const size = /;; XFR size: (\d+) records \(messages (\d+), bytes (\d+)\)/.exec(output);
        assert.ok(size, "dig reports the transfer size");
        assert.equal(Number(size[1]), records.length);
        assert.equal(sent.length, 1);
        assert.deepEqual({ messages: Number(size[2]), bytes: Number(size[3]) }, sent[0]);
        assert.ok(sent[0]!.messages > 1, "the zone takes several messages");
        const { messages, bytes } = sent[0]!;
        // Every message but the last is full: the next record, at most ~300 octets here, did not fit.
        assert.ok(bytes >= (messages - 1) * (maxSize - 300), "all messages but the last are full");
      });

      it("named-checkzone loads what dig received", { skip: digMissing || checkzoneMissing }, async () => {
        const file = join(directory, `rpz.decree.${maxSize}.zone`);
        writeFileSync(file, output);
        const { stdout } = await run("named-checkzone", [apex, file]);
        assert.match(stdout, new RegExp(`loaded serial ${soa.serial}`));
        assert.match(stdout, /^OK$/m);
      });
    });
  }
});
