// decree's DNS primary from the outside. Debian's dig (bind9-dnsutils) is the independent client for queries,
// AXFR, IXFR and TSIG; our own client counts a transfer's messages, verifies the TSIG chain itself and sends
// what no well-behaved client would.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { createConnection } from "node:net";
import { after, before, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { type DigRecord, dig, shortForm } from "../../../test/support/dig.ts";
import {
  frame,
  queryMessage,
  rcodeOf,
  tcpTransfer,
  transferRecords,
  udpExchange,
} from "../../../test/support/dns-wire.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import type { Store } from "../../store/database.ts";
import { buildRelease } from "../build-release.ts";
import { defaultRpzPolicy, type RpzPolicy } from "../rpz-policy.ts";
import { ZoneSource } from "../zone-source.ts";
import { DnsPrimary, serialLessThan, type TransferLog } from "./dns-primary.ts";
import { transferMessageSize } from "./transfer-messages.ts";
import { signMessage, type TsigKey, verifyMessage } from "./tsig.ts";

const actor = "test:dns-primary";
const policy: RpzPolicy = { ...defaultRpzPolicy, stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" } };
const zone = policy.zone;
const key: TsigKey = { name: "k.xfer.decree", algorithm: "hmac-sha256", secret: randomBytes(32) };
const keys = (name: string) => (name === key.name ? key : undefined);
const digKey = `hmac-sha256:${key.name}:${key.secret.toString("base64")}`;
const rcode = { noError: 0, formErr: 1, notImp: 4, refused: 5, notAuth: 9 } as const;

/** Records an order for `targets` and approves them all; returns the targets' ids. */
async function approve(store: Store, targets: unknown[], order: Record<string, unknown> = {}) {
  const recorded = await recordOrder(store, sampleOrder({ targets, ...order }), { actor, now: duringOrder });
  const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
  return refs;
}

async function release(store: Store): Promise<number> {
  const summary = await buildRelease(store.db, store.dialect, policy, duringOrder);
  assert.ok(summary, "the change makes a release");
  return summary.soaSerial;
}

interface RunningPrimary {
  primary: DnsPrimary;
  port: number;
  /** What the primary emitted as `error`: nothing, whatever arrives. */
  errors: unknown[];
}

async function startPrimary(store: Store): Promise<RunningPrimary> {
  const primary = new DnsPrimary({
    host: "127.0.0.1",
    port: 0,
    zone: new ZoneSource(store.db),
    policy,
    access: {
      keys: async () => new Map([[key.name, { operator: "K", secret: key.secret }]]),
      allowed: async () => ["127.0.0.1"],
    },
    accessCacheMs: 0,
  });
  const errors: unknown[] = [];
  primary.on("error", (error) => errors.push(error));
  const { port } = await primary.start();
  return { primary, port, errors };
}

/** The records dig printed, without TSIG, in `shortForm`. */
function zoneLines(records: DigRecord[]): string[] {
  return records.filter((record) => record.type !== "TSIG").map((record) => shortForm(record, zone));
}

describe("RFC 1982 serial arithmetic", () => {
  it("orders serials across the wrap at 2^32 and leaves the half-way point undefined", () => {
    assert.equal(serialLessThan(1, 2), true);
    assert.equal(serialLessThan(2, 1), false);
    assert.equal(serialLessThan(5, 5), false);
    assert.equal(serialLessThan(2 ** 32 - 1, 0), true, "0 follows 2^32 - 1");
    assert.equal(serialLessThan(0, 2 ** 32 - 1), false);
    assert.equal(serialLessThan(2 ** 32 - 10, 5), true);
    assert.equal(serialLessThan(1, 2 ** 31), true, "just under half the space ahead");
    // s1 and s1 + 2^31 are not comparable (RFC 1982 §3.2): neither is less than the other.
    assert.equal(serialLessThan(1, 2 ** 31 + 1), false);
    assert.equal(serialLessThan(2 ** 31 + 1, 1), false);
  });
});

describeEachEngine("the DNS primary", (store) => {
  let running: RunningPrimary;
  let firstSerial = 0;
  /** The zone's records at the first release, as dig prints them in `shortForm`. */
  const firstZone = [
    "*.allostreaming.com CNAME .",
    "32.7.97.114.188.rpz-ip CNAME .",
    "allostreaming.com CNAME .",
    "nodata.fifostream.net CNAME *.",
    "stop.fifostream.org A 192.0.2.80",
    "stop.fifostream.org AAAA 2001:db8::80",
    "www.fifostream.tv CNAME .",
  ];

  before(async () => {
    await approve(store(), [{ value: "allostreaming.com", kind: "domain" }, "www.fifostream.tv"]);
    await approve(store(), ["nodata.fifostream.net"], { dnsAction: "nodata" });
    await approve(store(), ["stop.fifostream.org"], { dnsAction: "stop-page" });
    await approve(store(), ["188.114.97.7"], { measures: ["ip-block"] });
    firstSerial = await release(store());
    running = await startPrimary(store());
  });

  after(async () => {
    await running?.primary.close();
    assert.deepEqual(running?.errors, []);
  });

  it("answers the apex SOA over UDP and over TCP, authoritatively, with the current serial", async () => {
    for (const transport of ["+notcp", "+tcp"]) {
      const out = await dig(running.port, [transport, "+norec", zone, "SOA"]);
      assert.deepEqual(out.statuses, ["NOERROR"], transport);
      assert.ok(out.flags.includes("aa"), `${transport}: flags ${out.flags}`);
      assert.equal(out.records.length, 1);
      const [mname, rname, serial] = out.records[0]!.data.split(" ");
      assert.deepEqual([out.records[0]!.name, out.records[0]!.type], [`${zone}.`, "SOA"]);
      assert.deepEqual([mname, rname, Number(serial)], ["localhost.", `hostmaster.${zone}.`, firstSerial]);
      assert.match(out.stdout, transport === "+tcp" ? /\(TCP\)/ : /\(UDP\)/);
    }
  });

  it("answers the apex NS with localhost., by RPZ convention", async () => {
    const out = await dig(running.port, ["+norec", zone, "NS"]);
    assert.deepEqual(out.statuses, ["NOERROR"]);
    assert.deepEqual(
      out.records.map((r) => `${r.name} ${r.type} ${r.data}`),
      [`${zone}. NS localhost.`],
    );
  });

  it("answers CNAME . for a blocked name, and for a name below a blocked domain by wildcard", async () => {
    const exact = await dig(running.port, ["+norec", `www.fifostream.tv.${zone}`, "A"]);
    assert.deepEqual(exact.statuses, ["NOERROR"]);
    assert.deepEqual(
      exact.records.map((r) => `${r.name} ${r.type} ${r.data}`),
      [`www.fifostream.tv.${zone}. CNAME .`],
    );
    const below = await dig(running.port, ["+norec", `films.www.allostreaming.com.${zone}`, "AAAA"]);
    assert.deepEqual(
      below.records.map((r) => `${r.name} ${r.type} ${r.data}`),
      [`films.www.allostreaming.com.${zone}. CNAME .`],
      "synthesised from *.allostreaming.com under the query's own name (RFC 4592)",
    );
    const ip = await dig(running.port, ["+norec", `32.7.97.114.188.rpz-ip.${zone}`, "A"]);
    assert.deepEqual(
      ip.records.map((r) => `${r.type} ${r.data}`),
      ["CNAME ."],
    );
  });

  it("answers an order's own action: CNAME *. for NODATA, the stop page's addresses by type", async () => {
    const nodata = await dig(running.port, ["+norec", `nodata.fifostream.net.${zone}`, "A"]);
    assert.deepEqual(
      nodata.records.map((r) => `${r.type} ${r.data}`),
      ["CNAME *."],
    );
    const v4 = await dig(running.port, ["+norec", `stop.fifostream.org.${zone}`, "A"]);
    assert.deepEqual(
      v4.records.map((r) => `${r.type} ${r.data}`),
      ["A 192.0.2.80"],
    );
    const v6 = await dig(running.port, ["+norec", `stop.fifostream.org.${zone}`, "AAAA"]);
    assert.deepEqual(
      v6.records.map((r) => `${r.type} ${r.data}`),
      ["AAAA 2001:db8::80"],
    );
    const other = await dig(running.port, ["+norec", `stop.fifostream.org.${zone}`, "TXT"]);
    assert.deepEqual(other.statuses, ["NOERROR"], "the name exists: NODATA, not NXDOMAIN");
    assert.deepEqual(
      other.records.map((r) => r.type),
      ["SOA"],
    );
  });

  it("answers NXDOMAIN with the zone's SOA as authority for a name it does not hold", async () => {
    const out = await dig(running.port, ["+norec", `never-listed-site.com.${zone}`, "A"]);
    assert.deepEqual(out.statuses, ["NXDOMAIN"]);
    assert.ok(out.flags.includes("aa"));
    assert.match(out.stdout, /;; AUTHORITY SECTION:\n\S+\s+\d+\s+IN\s+SOA\s/);
    assert.deepEqual(
      out.records.map((r) => [r.name, r.type, Number(r.data.split(" ")[2])]),
      [[`${zone}.`, "SOA", firstSerial]],
    );
  });

  it("refuses a query for a name outside the zone, including one that merely ends like it", async () => {
    for (const name of ["allostreaming.com", "decree", `not${zone}`]) {
      const out = await dig(running.port, ["+norec", name, "A"]);
      assert.deepEqual(out.statuses, ["REFUSED"], name);
      assert.deepEqual(out.records, [], name);
    }
  });

  it("answers NOTIMP to an opcode other than QUERY", async () => {
    const status = await dig(running.port, ["+noedns", "+opcode=status", zone, "SOA"]);
    assert.deepEqual(status.statuses, ["NOTIMP"]);
    assert.match(status.stdout, /opcode: STATUS/);
    for (const opcode of [4, 5]) {
      // NOTIFY and UPDATE: a primary takes neither.
      const reply = await udpExchange(running.port, queryMessage(zone, "SOA", { flags: opcode << 11 }));
      assert.ok(reply, `an answer to opcode ${opcode}`);
      assert.equal(rcodeOf(reply), rcode.notImp);
      assert.equal((reply[2]! >> 3) & 0x0f, opcode, "the answer keeps the opcode");
    }
  });

  it("sends the whole zone by AXFR over TCP to an allowed address, between two current SOAs", async () => {
    const out = await dig(running.port, [zone, "AXFR"]);
    const lines = zoneLines(out.records);
    assert.equal(lines[0], `SOA ${firstSerial}`);
    assert.equal(lines.at(-1), `SOA ${firstSerial}`);
    assert.deepEqual(lines.slice(1, -1).sort(), ["@ NS localhost.", ...firstZone].sort());
    assert.deepEqual(out.xfr, { records: firstZone.length + 3, messages: 1, bytes: out.xfr?.bytes });
    assert.match(out.stdout, /\(TCP\)/);
  });

  it("answers an AXFR over UDP with FORMERR and no records (RFC 5936 §4.2 leaves it undefined)", async () => {
    const reply = await udpExchange(running.port, queryMessage(zone, "AXFR"));
    assert.ok(reply, "an answer rather than silence, so the client moves to TCP at once");
    const decoded = dnsPacket.decode(reply);
    assert.equal(rcodeOf(reply), rcode.formErr);
    assert.deepEqual(decoded.answers, []);
    assert.deepEqual(
      decoded.questions?.map((q) => [q.name, q.type]),
      [[zone, "AXFR"]],
    );
  });

  it("refuses an unsigned AXFR from an address that is not allowed", async () => {
    const out = await dig(running.port, ["-b", "127.0.0.2", "+comments", zone, "AXFR"]);
    assert.deepEqual(out.statuses, ["REFUSED"]);
    assert.deepEqual(out.records, []);
    assert.match(out.stdout, /Transfer failed/);
  });

  it("transfers to a signed request from an address not allowed, and dig verifies its TSIG", async () => {
    const out = await dig(running.port, ["-b", "127.0.0.2", "-y", digKey, zone, "AXFR"]);
    assert.doesNotMatch(out.stdout + out.stderr, /Couldn't verify|tsig verify failure|Transfer failed/i);
    const lines = zoneLines(out.records);
    assert.deepEqual(lines.slice(1, -1).sort(), ["@ NS localhost.", ...firstZone].sort());
    const tsig = out.records.filter((record) => record.type === "TSIG");
    assert.equal(tsig.length, out.xfr?.messages, "one TSIG record per message");
    assert.ok(tsig.every((record) => record.name === `${key.name}.` && / NOERROR /.test(record.data)));
  });

  it("answers NOTAUTH with BADSIG to a wrong secret and NOTAUTH with BADKEY to an unknown key", async () => {
    const wrongSecret = `hmac-sha256:${key.name}:${randomBytes(32).toString("base64")}`;
    const badSig = await dig(running.port, ["+comments", "-y", wrongSecret, zone, "AXFR"]);
    assert.deepEqual(badSig.statuses, ["NOTAUTH"]);
    assert.match(badSig.stdout, /TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADSIG /);
    assert.equal(zoneLines(badSig.records).length, 0);
    const unknown = `hmac-sha256:other.xfer.decree:${key.secret.toString("base64")}`;
    const badKey = await dig(running.port, ["+comments", "-y", unknown, zone, "AXFR"]);
    assert.deepEqual(badKey.statuses, ["NOTAUTH"]);
    assert.match(
      badKey.stdout,
      /other\.xfer\.decree\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY /,
    );
  });

  describe("IXFR from the journal", () => {
    const serials: number[] = [];

    before(async () => {
      // Three releases after the first: approve a name, lift it, approve another.
      const [lifted] = await approve(store(), ["lifted.streamfilou.net"]);
      serials.push(await release(store()));
      await decideTargets(store(), {
        decision: "lift",
        refs: [lifted!],
        reason: "appeal upheld",
        actor,
        now: duringOrder,
      });
      serials.push(await release(store()));
      await approve(store(), ["later.streamfilou.net"]);
      serials.push(await release(store()));
      await running.primary.invalidate();
    });

    it("sends each release's deletions and additions between its SOAs, from a serial it has", async () => {
      const [second, third, current] = serials as [number, number, number];
      const fromFirst = await dig(running.port, ["+tcp", `IXFR=${firstSerial}`, zone]);
      assert.deepEqual(zoneLines(fromFirst.records), [
        `SOA ${current}`,
        `SOA ${firstSerial}`,
        `SOA ${second}`,
        "lifted.streamfilou.net CNAME .",
        `SOA ${second}`,
        "lifted.streamfilou.net CNAME .",
        `SOA ${third}`,
        `SOA ${third}`,
        `SOA ${current}`,
        "later.streamfilou.net CNAME .",
        `SOA ${current}`,
      ]);
      const fromThird = await dig(running.port, ["+tcp", `IXFR=${third}`, zone]);
      assert.deepEqual(zoneLines(fromThird.records), [
        `SOA ${current}`,
        `SOA ${third}`,
        `SOA ${current}`,
        "later.streamfilou.net CNAME .",
        `SOA ${current}`,
      ]);
    });

    it("answers a client that has the current serial with the SOA alone", async () => {
      const out = await dig(running.port, ["+tcp", `IXFR=${serials.at(-1)}`, zone]);
      assert.deepEqual(zoneLines(out.records), [`SOA ${serials.at(-1)}`]);
    });

    it("answers a client whose serial is ahead of ours in serial arithmetic with the SOA alone", async () => {
      const current = serials.at(-1)!;
      for (const ahead of [current + 1, current + 2 ** 31 - 1]) {
        const out = await dig(running.port, ["+tcp", `IXFR=${ahead % 2 ** 32}`, zone]);
        assert.deepEqual(zoneLines(out.records), [`SOA ${current}`], `client at ${ahead}`);
      }
    });

    it("sends the whole zone, AXFR-style, to a serial that is not in the journal", async () => {
      const current = serials.at(-1)!;
      // Behind ours in serial arithmetic (it wrapped), but never one of our releases.
      const unknown = (current - 1000 + 2 ** 32) % 2 ** 32;
      const out = await dig(running.port, ["+tcp", `IXFR=${unknown}`, zone]);
      const lines = zoneLines(out.records);
      assert.deepEqual([lines[0], lines.at(-1)], [`SOA ${current}`, `SOA ${current}`]);
      assert.deepEqual(
        lines.slice(1, -1).sort(),
        ["@ NS localhost.", ...firstZone, "later.streamfilou.net CNAME ."].sort(),
      );
    });

    it("sends a small increment over UDP in one datagram", async () => {
      const [second, third, current] = serials as [number, number, number];
      const out = await dig(running.port, ["+notcp", `IXFR=${second}`, zone]);
      assert.match(out.stdout, /\(UDP\)/);
      assert.deepEqual(zoneLines(out.records), [
        `SOA ${current}`,
        `SOA ${second}`,
        "lifted.streamfilou.net CNAME .",
        `SOA ${third}`,
        `SOA ${third}`,
        `SOA ${current}`,
        "later.streamfilou.net CNAME .",
        `SOA ${current}`,
      ]);
      const reply = await udpExchange(
        running.port,
        queryMessage(zone, "IXFR", { authorities: [soaOf(second)] }),
      );
      assert.ok(reply && reply.length <= 512, `one datagram of at most 512 octets, not ${reply?.length}`);
    });

    it("signs an increment sent over UDP, the datagram and its TSIG within 512 octets", async () => {
      const [, third, current] = serials as [number, number, number];
      const request = signMessage(queryMessage(zone, "IXFR", { authorities: [soaOf(third)] }), key);
      const reply = await udpExchange(running.port, request.message);
      assert.ok(reply && reply.length <= 512, `one datagram of at most 512 octets, not ${reply?.length}`);
      assert.equal(verifyMessage(reply, { keys, requestMac: request.mac }).status, "valid");
      assert.deepEqual(transferRecords([reply]), [
        `SOA ${current}`,
        `SOA ${third}`,
        `SOA ${current}`,
        "later.streamfilou.net.rpz.decree CNAME .",
        `SOA ${current}`,
      ]);
    });

    it("answers an increment too big for a datagram with the SOA alone, and sends it by TCP", async () => {
      const before = serials.at(-1)!;
      await approve(
        store(),
        Array.from({ length: 40 }, (_, i) => `mirror-${i}.streamfilou.net`),
      );
      const current = await release(store());
      serials.push(current);
      await running.primary.invalidate();
      const udp = await dig(running.port, ["+notcp", `IXFR=${before}`, zone]);
      assert.deepEqual(zoneLines(udp.records), [`SOA ${current}`], "RFC 1995 §2: go and ask over TCP");
      const tcp = await dig(running.port, ["+tcp", `IXFR=${before}`, zone]);
      const lines = zoneLines(tcp.records);
      assert.equal(lines.length, 4 + 40);
      assert.deepEqual(lines.slice(0, 3), [`SOA ${current}`, `SOA ${before}`, `SOA ${current}`]);
    });
  });
});

function soaOf(serial: number): dnsPacket.Answer {
  return {
    type: "SOA",
    name: zone,
    ttl: 60,
    data: {
      mname: "localhost",
      rname: `hostmaster.${zone}`,
      serial,
      refresh: 300,
      retry: 60,
      expire: 2_592_000,
      minimum: 60,
    },
  };
}

/** Approves `count` distinct names in one order; the zone then holds one CNAME per name. */
function manyNames(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}.fifostream-${i % 50}.com`);
}

describe("the DNS primary with a large zone (sqlite)", () => {
  let opened: StoreUnderTest | undefined;
  let running: RunningPrimary;
  let serial = 0;
  const transfers: TransferLog[] = [];

  before(async () => {
    opened = await storeEngines[0]!.open();
    await approve(opened.store, manyNames(20_000, "site"));
    serial = await release(opened.store);
    running = await startPrimary(opened.store);
    running.primary.on("transfer", (log) => transfers.push(log));
  });

  after(async () => {
    await running?.primary.close();
    await opened?.dispose();
    assert.deepEqual(running?.errors, []);
  });

  it("sends 20,000 entries in several messages of at most 16 KiB, with a TSIG chain that holds", async () => {
    const request = signMessage(queryMessage(zone, "AXFR"), key);
    const messages = await tcpTransfer(running.port, request.message);
    assert.ok(messages.length >= 10, `${messages.length} messages`);
    let previousMac: Buffer | undefined;
    for (const [index, message] of messages.entries()) {
      assert.ok(message.length <= transferMessageSize, `message ${index}: ${message.length} octets`);
      const options = index === 0 ? { keys, requestMac: request.mac } : { keys, previousMac };
      const result = verifyMessage(message, options);
      assert.equal(result.status, "valid", `message ${index + 1} of ${messages.length}`);
      if (result.status === "valid") previousMac = result.mac;
    }
    const records = transferRecords(messages);
    assert.deepEqual([records[0], records.at(-1)], [`SOA ${serial}`, `SOA ${serial}`]);
    assert.equal(records.length, 20_000 + 3);
    const owners = new Set(records.slice(1, -1).map((record) => record.split(" ")[0]));
    const expected = manyNames(20_000, "site").map((name) => `${name}.${zone}`);
    assert.deepEqual(
      expected.filter((name) => !owners.has(name)),
      [],
      "every entry transferred",
    );
    const log = transfers.at(-1);
    assert.deepEqual(
      [log?.kind, log?.by, log?.messages, log?.bytes],
      ["AXFR", "key K", messages.length, messages.reduce((sum, m) => sum + m.length, 0)],
    );
  });

  it("passes dig's check of the TSIG on every message of the large transfer", async () => {
    const out = await dig(running.port, ["-b", "127.0.0.2", "-y", digKey, zone, "AXFR"]);
    assert.doesNotMatch(out.stdout + out.stderr, /Couldn't verify|tsig verify failure|Transfer failed/i);
    assert.ok((out.xfr?.messages ?? 0) >= 10, `${out.xfr?.messages} messages`);
    assert.equal(out.records.filter((record) => record.type === "TSIG").length, out.xfr?.messages);
    assert.equal(out.xfr?.records, 20_000 + 3);
  });

  it("carries on when a secondary hangs up in the middle of a transfer", async () => {
    const socket = createConnection({ host: "127.0.0.1", port: running.port });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("data", () => {
        socket.destroy();
        resolve();
      });
      socket.write(frame(queryMessage(zone, "AXFR")));
    });
    const out = await dig(running.port, [zone, "AXFR"]);
    assert.equal(out.xfr?.records, 20_000 + 3);
    assert.deepEqual(running.errors, []);
  });

  it("streams an AXFR from its first message and keeps it to its release while the next one lands", async () => {
    const before = running.primary.version.serial;
    const replies = await running.primary.respond(queryMessage(zone, "AXFR"), {
      transport: "tcp",
      address: "127.0.0.1",
    });
    const iterator = replies[Symbol.iterator]();
    const first = iterator.next();
    assert.equal(first.done, false, "the first message comes before the zone is encoded whole");
    await approve(opened!.store, ["landed-meanwhile.fifostream.tv"]);
    const landed = await release(opened!.store);
    await running.primary.invalidate();
    assert.equal(running.primary.version.serial, landed, "the release is served from now on");
    const messages = [first.value as Buffer];
    for (let next = iterator.next(); !next.done; next = iterator.next()) messages.push(next.value);
    const records = transferRecords(messages);
    assert.deepEqual([records[0], records.at(-1)], [`SOA ${before}`, `SOA ${before}`]);
    assert.equal(records.length, 20_000 + 3, "the transfer carries the release it began with, whole");
    assert.ok(!records.some((record) => record.startsWith("landed-meanwhile")));
    const after = await tcpTransfer(running.port, queryMessage(zone, "AXFR"), 30_000);
    assert.equal(transferRecords(after).length, 20_000 + 1 + 3, "the next transfer carries the new release");
  });

  it("serves four concurrent AXFRs of a 50,000-entry zone, each complete and identical", async (t) => {
    // 20,000 at first, the one that landed during a transfer, 29,999 more.
    await approve(opened!.store, manyNames(30_000 - 1, "more"));
    const current = await release(opened!.store);
    await running.primary.invalidate();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => tcpTransfer(running.port, queryMessage(zone, "AXFR"), 30_000)),
    );
    const ms = Math.round(performance.now() - started);
    const rssAfter = process.memoryUsage().rss;
    const sets = results.map((messages) => transferRecords(messages));
    for (const records of sets) {
      assert.deepEqual([records[0], records.at(-1)], [`SOA ${current}`, `SOA ${current}`]);
      assert.equal(records.length, 50_000 + 3);
      assert.equal(new Set(records.slice(1, -1)).size, 50_000 + 1, "NS and 50,000 distinct entries");
    }
    const sorted = sets.map((records) => [...records].sort().join("\n"));
    assert.ok(
      sorted.every((text) => text === sorted[0]),
      "the four transfers carry the same records",
    );
    const mb = (octets: number) => `${(octets / 2 ** 20).toFixed(0)} MB`;
    t.diagnostic(
      `4 × AXFR of ${50_000 + 3} records (${results[0]!.length} messages each) in ${ms} ms; ` +
        `RSS ${mb(rssBefore)} before, ${mb(rssAfter)} after`,
    );
  });
});

/** mulberry32: a small seeded generator, so that a failing run can be replayed from its seed. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (below: number) => Math.floor(next() * below);
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  return { int, bytes, pick: <T>(list: readonly T[]): T => list[int(list.length)]! };
}

type Random = ReturnType<typeof randomSource>;

/** Well-formed requests of every kind the primary handles, to garble. */
function templates(): Buffer[] {
  const edns = dnsPacket.encode({
    type: "query",
    id: 1,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: `www.fifostream.tv.${zone}`, type: "A", class: "IN" }],
    additionals: [
      {
        type: "OPT",
        name: ".",
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ],
  });
  return [
    queryMessage(zone, "SOA"),
    queryMessage(zone, "NS"),
    queryMessage(`www.fifostream.tv.${zone}`, "A"),
    queryMessage(`a.b.allostreaming.com.${zone}`, "AAAA"),
    queryMessage(`unknown.${zone}`, "TXT"),
    queryMessage("allostreaming.com", "A"),
    queryMessage(zone, "AXFR"),
    queryMessage(zone, "IXFR", { authorities: [soaOf(1)] }),
    signMessage(queryMessage(zone, "SOA"), key).message,
    signMessage(queryMessage(zone, "AXFR"), key).message,
    signMessage(queryMessage(zone, "IXFR", { authorities: [soaOf(1)] }), key).message,
    edns,
  ];
}

/** One hostile message: random octets, or a real request flipped, cut, inflated or looped. */
function hostileMessage(random: Random, valid: Buffer[], index: number): Buffer {
  const base = Buffer.from(random.pick(valid));
  switch (index % 8) {
    case 0:
      return random.bytes(random.int(700));
    case 1: {
      for (let flips = 1 + random.int(4); flips > 0; flips--) base[random.int(base.length)] = random.int(256);
      return base;
    }
    case 2:
      return base.subarray(0, random.int(base.length));
    case 3: {
      // Counts far beyond what the message holds.
      for (const offset of [4, 6, 8, 10])
        if (random.int(2) === 1) base.writeUInt16BE(0xffff - random.int(4), offset);
      return base;
    }
    case 4:
      return compressionTrap(random);
    case 5: {
      // Any opcode and flags, still a query (QR clear).
      base[2] = random.int(256) & 0x7f;
      base[3] = random.int(256);
      return base;
    }
    case 6:
      return random.int(2) === 0
        ? Buffer.concat([base, random.bytes(1 + random.int(100))])
        : belowBlockedDomain(random.bytes(1 + random.int(63)));
    default: {
      const start = 12 + random.int(Math.max(1, base.length - 12));
      random.bytes(Math.min(8, base.length - start)).copy(base, start);
      return base;
    }
  }
}

/** A query for `<label>.allostreaming.com.rpz.decree`: its wildcard covers any label, whatever its octets. */
function belowBlockedDomain(label: Buffer, qclass = 1): Buffer {
  const header = Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const rest = `allostreaming.com.${zone}`.split(".").map((part) => [part.length, ...Buffer.from(part)]);
  const tail = Buffer.from([0, 0, 1, qclass >> 8, qclass & 0xff]);
  return Buffer.concat([header, Buffer.from([label.length]), label, Buffer.from(rest.flat()), tail]);
}

/** A query whose question name is a compression pointer to itself, a pointer pair, or one past the end. */
function compressionTrap(random: Random): Buffer {
  const header = Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const names = [
    [0xc0, 0x0c], // points at itself
    [0x01, 0x61, 0xc0, 0x0c], // a label, then back to its own start
    [0x01, 0x61, 0xc0, 0x10, 0xc0, 0x0e], // two pointers pointing at each other
    [0xc0, 0xff], // beyond the message
    [0x3f, 0x61], // a 63-octet label that is not there
    [0xc0, 0x0c, 0xc0, 0x0c, 0xc0, 0x0c],
  ];
  const name = Buffer.from(random.pick(names));
  return Buffer.concat([header, name, Buffer.from([0, 6, 0, 1])]);
}

/** Sends messages from one UDP socket in batches, each closed by a SOA query whose answer is awaited. */
async function sendDatagrams(
  port: number,
  messages: Buffer[],
  batch: number,
): Promise<Map<number, Buffer[]>> {
  const socket = createSocket("udp4");
  const replies = new Map<number, Buffer[]>();
  let waiting: { id: number; resolve: () => void } | undefined;
  socket.on("message", (reply) => {
    const id = reply.readUInt16BE(0);
    replies.set(id, [...(replies.get(id) ?? []), reply]);
    if (waiting?.id === id) waiting.resolve();
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  try {
    for (let start = 0; start < messages.length; start += batch) {
      for (const message of messages.slice(start, start + batch)) socket.send(message, port, "127.0.0.1");
      const sentinelId = 0xffff;
      const sentinel = queryMessage(zone, "SOA", { id: sentinelId });
      // A burst may overflow a socket buffer and lose datagrams, the sentinel among them: ask again.
      await new Promise<void>((resolve, reject) => {
        const started = performance.now();
        const resend = setInterval(() => {
          if (performance.now() - started < 5000) return socket.send(sentinel, port, "127.0.0.1");
          clearInterval(resend);
          reject(new Error(`no answer to a SOA query after ${start} messages`));
        }, 200);
        waiting = {
          id: sentinelId,
          resolve: () => {
            clearInterval(resend);
            resolve();
          },
        };
        socket.send(sentinel, port, "127.0.0.1");
      });
      replies.delete(sentinelId);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A sentinel sent again may be answered twice, the second time after its batch.
    replies.delete(0xffff);
    return replies;
  } finally {
    socket.close();
  }
}

function isTransfer(message: dnsPacket.DecodedPacket): boolean {
  const type = message.questions?.[0]?.type;
  return type === "AXFR" || type === "IXFR";
}

/** The question of a message as dns-packet reads it, or undefined when it does not parse to one question. */
function questionOf(message: Buffer): string | undefined {
  try {
    const questions = dnsPacket.decode(message).questions ?? [];
    if (questions.length !== 1) return undefined;
    const [question] = questions;
    return `${question!.name.toLowerCase()} ${question!.type} ${question!.class}`;
  } catch {
    return undefined;
  }
}

describe("the DNS primary under hostile input (sqlite)", () => {
  let opened: StoreUnderTest | undefined;
  let running: RunningPrimary;
  const seed = Number(process.env.DECREE_FUZZ_SEED ?? Date.now() % 2 ** 31);

  before(async () => {
    opened = await storeEngines[0]!.open();
    await approve(opened.store, [{ value: "allostreaming.com", kind: "domain" }, "www.fifostream.tv"]);
    await release(opened.store);
    running = await startPrimary(opened.store);
  });

  after(async () => {
    await running?.primary.close();
    await opened?.dispose();
  });

  it("answers 20,000 garbled datagrams with messages that parse, or not at all, and goes on", async (t) => {
    t.diagnostic(`seed ${seed} (set DECREE_FUZZ_SEED to replay)`);
    const random = randomSource(seed);
    const valid = templates();
    const messages = Array.from({ length: 20_000 }, (_, index) => {
      const message = hostileMessage(random, valid, index);
      // A distinct ID per message (0xffff is the sentinel's), to pair each answer with its request.
      if (message.length >= 2) message.writeUInt16BE(index % 0xffff, 0);
      return message;
    });
    const replies = await sendDatagrams(running.port, messages, 50);
    let answered = 0;
    for (const [id, list] of replies) {
      const request = messages[id]!;
      assert.equal(list.length, 1, `one answer to request ${id}: ${request.toString("hex")}`);
      const reply = list[0]!;
      answered++;
      let decoded: dnsPacket.DecodedPacket;
      try {
        decoded = dnsPacket.decode(reply);
      } catch (error) {
        assert.fail(
          `the answer to ${request.toString("hex")} does not parse: ${reply.toString("hex")}: ${error}`,
        );
      }
      assert.equal(decoded.type, "response", `QR set in the answer to ${request.toString("hex")}`);
      const asked = questionOf(request);
      if (asked !== undefined && (decoded.questions?.length ?? 0) > 0) {
        assert.equal(questionOf(reply), asked, `the question echoed to ${request.toString("hex")}`);
      }
      const qname = decoded.questions?.[0]?.name.toLowerCase();
      for (const record of decoded.type === "response" && !isTransfer(decoded)
        ? (decoded.answers ?? [])
        : []) {
        assert.equal(
          record.name.toLowerCase(),
          qname,
          `the owner of an answer to ${request.toString("hex")}`,
        );
      }
    }
    t.diagnostic(`${answered} of ${messages.length} garbled messages answered, the rest dropped`);
    assert.ok(answered > 5000, "most garbled queries get an answer (FORMERR, NOTAUTH, NXDOMAIN…)");
    assert.deepEqual(running.errors, []);
    const soa = await dig(running.port, ["+norec", zone, "SOA"]);
    assert.deepEqual(soa.statuses, ["NOERROR"]);
  });

  it("refuses a class other than IN and a name not in printable ASCII, echoing the question", async () => {
    const chaos = await dig(running.port, ["+norec", "-c", "CH", "-t", "SOA", zone]);
    assert.deepEqual(chaos.statuses, ["REFUSED"]);
    assert.match(chaos.stdout, /;; QUESTION SECTION:\n;rpz\.decree\.\s+CH\s+SOA/);
    const anyClass = await dig(running.port, ["+norec", "-c", "ANY", "-t", "SOA", zone]);
    assert.deepEqual(anyClass.statuses, ["NOERROR"], "QCLASS ANY may ask (RFC 1035 §3.2.5)");
    for (const request of [
      belowBlockedDomain(Buffer.from("www"), 0x7401), // a class dns-packet does not know
      belowBlockedDomain(Buffer.alloc(30, 0xff)), // not UTF-8: would come back as 90 octets of U+FFFD
      belowBlockedDomain(Buffer.from("a.b")), // a dot inside a label
      belowBlockedDomain(Buffer.from("caf\u00e9")), // UTF-8, but no RPZ owner is
    ]) {
      const reply = await udpExchange(running.port, request);
      assert.ok(reply, request.toString("hex"));
      assert.equal(rcodeOf(reply), rcode.refused, request.toString("hex"));
      assert.deepEqual(
        reply.subarray(12),
        request.subarray(12),
        "the question, octet for octet, and nothing else",
      );
    }
    // The same query with a plain label is answered from the wildcard.
    const plain = await udpExchange(running.port, belowBlockedDomain(Buffer.from("www")));
    assert.deepEqual(
      dnsPacket.decode(plain!).answers?.map((record) => `${record.name} ${record.type}`),
      [`www.allostreaming.com.${zone} CNAME`],
    );
  });

  it("answers a bad TSIG under a question that points nowhere with a message that parses", async () => {
    const signed = signMessage(queryMessage(zone, "SOA"), key).message;
    // The question's last label becomes a pointer past the end; the TSIG record still follows.
    const garbled = Buffer.from(signed);
    const apexLabel = 12 + 1 + 3;
    garbled[apexLabel] = 0xc3;
    garbled[apexLabel + 1] = 0xf0;
    const reply = await udpExchange(running.port, garbled);
    assert.ok(reply, "an answer");
    assert.doesNotThrow(() => dnsPacket.decode(reply), reply.toString("hex"));
    assert.equal(reply.readUInt16BE(4), 0, "no question copied");
  });

  it("survives zero-length frames, cut frames and garbage over TCP, and answers what follows", async () => {
    const random = randomSource(seed + 1);
    const connect = () => {
      const socket = createConnection({ host: "127.0.0.1", port: running.port });
      socket.on("error", () => {});
      return socket;
    };
    // A two-octet length, then nothing: the client goes away.
    const cut = connect();
    cut.write(Buffer.from([0x00, 0x40]));
    cut.destroy();
    // A length that promises 65,535 octets and delivers 100.
    const short = connect();
    short.write(Buffer.concat([Buffer.from([0xff, 0xff]), random.bytes(100)]));
    short.end();
    // One octet, then gone; and a connection that sends nothing.
    const one = connect();
    one.write(Buffer.from([0x00]));
    one.destroy();
    connect().destroy();
    // Zero-length frames and 300 frames of garbage, then a real query, on one connection.
    const garbage = [
      Buffer.alloc(0),
      Buffer.alloc(0),
      ...Array.from({ length: 300 }, () => random.bytes(random.int(300))),
    ];
    const query = queryMessage(zone, "SOA", { id: 0x5e11 });
    const frames = [...garbage, Buffer.alloc(0), query].map((message) => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.length);
      return Buffer.concat([length, message]);
    });
    const socket = connect();
    const replies: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to the SOA query: ${replies.length}`)),
        5000,
      );
      let pending = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const reply = pending.subarray(2, 2 + pending.readUInt16BE(0));
          pending = pending.subarray(2 + reply.length);
          replies.push(reply);
          if (reply.readUInt16BE(0) === 0x5e11 && questionOf(reply) === `${zone} SOA IN`) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      socket.write(Buffer.concat(frames));
    });
    socket.destroy();
    for (const reply of replies) assert.doesNotThrow(() => dnsPacket.decode(reply), reply.toString("hex"));
    const last = replies.at(-1)!;
    assert.deepEqual([rcodeOf(last), dnsPacket.decode(last).answers?.[0]?.type], [rcode.noError, "SOA"]);
    for (const transport of ["+notcp", "+tcp"]) {
      const soa = await dig(running.port, [transport, "+norec", zone, "SOA"]);
      assert.deepEqual(soa.statuses, ["NOERROR"], transport);
    }
    assert.deepEqual(running.errors, []);
  });
});
