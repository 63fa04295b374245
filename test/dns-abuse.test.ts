import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import dnsPacket from "dns-packet";
import { closedWithin, connectFrom, readFrames, tcpQueryFrom, udpBurst } from "./support/dns-abuse-client.ts";
import { frame, queryMessage, rcodeOf, tcpTransfer } from "./support/dns-wire.ts";
import { seededRandom } from "./support/seeded-random.ts";
import { type ServeProcess, startServe } from "./support/serve-process.ts";

const zone = "rpz.decree";
const mib = 1024 * 1024;

/**
 * Small limits, so that each abuse reaches them within seconds; the same code paths as the defaults.
 * 127.0.0.1 is transfer-allowed (the default transferAllow); every other 127.x.y.z address is "the public".
 */
const limits = {
  DECREE_DNS_TCP_MAX_CONNECTIONS: "80",
  DECREE_DNS_TCP_RESERVED_CONNECTIONS: "20",
  DECREE_DNS_TCP_MAX_CONNECTIONS_PER_CLIENT: "10",
  DECREE_DNS_TCP_IDLE_MS: "1000",
  DECREE_DNS_TCP_MAX_CONNECTION_MS: "3000",
  DECREE_DNS_TCP_STALL_MS: "1500",
  DECREE_DNS_RATE_LIMIT_RESPONSES_PER_SECOND: "20",
  DECREE_DNS_RATE_LIMIT_SLIP: "2",
  // The primary logs each client it limits at debug level: what the tests read to tell which limit acted.
  LOG_LEVEL: "debug",
};

const soaQuery = (id = 0x50a0) => queryMessage(zone, "SOA", { id });

function isSoaAnswer(reply: Buffer | undefined): boolean {
  if (!reply || rcodeOf(reply) !== 0) return false;
  return dnsPacket.decode(reply).answers?.[0]?.type === "SOA";
}

/** Random octets, or a real query with octets flipped, cut, counts inflated or garbage appended. */
function fuzzMessage(random: ReturnType<typeof seededRandom>): Buffer {
  const templates = [
    soaQuery(),
    queryMessage(`allostreaming.com.${zone}`, "A"),
    queryMessage(`www.allostreaming.com.${zone}`, "AAAA"),
    queryMessage(zone, "AXFR"),
    queryMessage(zone, "IXFR", {
      authorities: [
        {
          name: zone,
          type: "SOA",
          data: {
            mname: "localhost",
            rname: "hostmaster.localhost",
            serial: 1,
            refresh: 1,
            retry: 1,
            expire: 1,
            minimum: 1,
          },
        },
      ],
    }),
  ];
  const kind = random.int(5);
  if (kind === 0) return random.bytes(random.int(600));
  const message = Buffer.from(templates[random.int(templates.length)]!);
  if (kind === 1) {
    for (let flips = 1 + random.int(6); flips > 0; flips--)
      message[random.int(message.length)] = random.int(256);
    return message;
  }
  if (kind === 2) return message.subarray(0, random.int(message.length));
  if (kind === 3) {
    message.writeUInt16BE(random.int(0x10000), 4 + 2 * random.int(4));
    return message;
  }
  return Buffer.concat([message, random.bytes(random.int(200))]);
}

describe("decree serve under hostile DNS and HTTP clients", () => {
  let serve: ServeProcess;

  /** The limits the primary logged for a client address so far. */
  const limitsFor = (address: string): string[] =>
    serve.daemon
      .output()
      .split("\n")
      .flatMap((line) => {
        if (!line.includes('"DNS client limited"')) return [];
        const entry = JSON.parse(line) as { remote: string; limit: string };
        return entry.remote === address ? [entry.limit] : [];
      });

  /** Waits until the primary has logged `limit` for `address`; the limits it logged, to assert on. */
  async function limited(address: string, limit: string, timeoutMs = 15_000): Promise<string[]> {
    const deadline = performance.now() + timeoutMs;
    while (!limitsFor(address).includes(limit) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return limitsFor(address);
  }
  before(async () => {
    serve = await startServe(limits);
  });
  after(async () => {
    await serve?.stop();
  });

  it("stops reading a client that pipelines queries without reading the answers, then closes it, its memory bounded", async () => {
    const before = serve.rss();
    const socket = await connectFrom(serve.dnsPort, "127.0.0.2");
    const closed = closedWithin(socket, 20_000);
    // 400,000 queries (≈ 14 MB) written as fast as the connection takes them; nothing is ever read.
    const batch = Buffer.concat(Array.from({ length: 1000 }, (_, id) => frame(soaQuery(id))));
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, serve.rss())), 50);
    for (let sent = 0; sent < 400 && !socket.destroyed; sent++) socket.write(batch);
    // The primary stops reading: what the client wrote stays in the client's own buffer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heldByClient = socket.writableLength;
    assert.ok(heldByClient > 4 * mib, `the client still holds ${heldByClient} octets it could not send`);
    assert.ok(await closed, "the primary closed the connection once its answers went unread");
    clearInterval(sampler);
    // Loopback buffers hold some MB of answers: the stall limit, or the connection-time limit if that came first.
    const [limit] = await limited("127.0.0.2", "stall");
    assert.ok(limit === "stall" || limit === "lifetime", `closed by ${limit}`);
    // What proves the bound is what the client could not send; the process's RSS also moves with garbage
    // collection and the service's own work, so it is only checked against a generous ceiling.
    const growth = peak - before;
    assert.ok(growth < 128 * mib, `the server grew by ${Math.round(growth / mib)} MiB`);
    assert.ok(isSoaAnswer(await tcpQueryFrom(serve.dnsPort, "127.0.0.3", soaQuery())));
  });

  it("closes a connection that promises a 65,535-octet message and sends 100 octets", async () => {
    const socket = await connectFrom(serve.dnsPort, "127.0.0.4");
    socket.write(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.alloc(100, 0x41)]));
    assert.ok(await closedWithin(socket, 10_000), "closed");
    assert.deepEqual(await limited("127.0.0.4", "idle"), ["idle"]);
  });

  it("closes a secondary that takes its transfers a few octets at a time", async () => {
    // From the allowed address, which the connection-time limit lets finish its transfer: only the stall acts.
    const socket = await connectFrom(serve.dnsPort, "127.0.0.1");
    socket.on("error", () => {});
    socket.pause();
    const axfr = frame(queryMessage(zone, "AXFR"));
    socket.write(Buffer.concat(Array.from({ length: 10_000 }, () => axfr)));
    const reader = setInterval(() => socket.read(8), 100);
    assert.deepEqual(await limited("127.0.0.1", "stall"), ["stall"], "closed by the stall limit");
    clearInterval(reader);
    socket.destroy();
  });

  it("does not let a trickle of bytes reset the idle timeout", async () => {
    const socket = await connectFrom(serve.dnsPort, "127.0.0.6");
    const closed = closedWithin(socket, 10_000);
    let answers = 0;
    readFrames(socket, () => answers++);
    // One octet of a real query every 200 ms: the query would take 7 s to arrive.
    const query = frame(soaQuery());
    let at = 0;
    const trickle = setInterval(() => {
      if (at < query.length && !socket.destroyed) socket.write(query.subarray(at, ++at));
    }, 200);
    assert.ok(await closed, "closed before the query was complete");
    clearInterval(trickle);
    assert.deepEqual(await limited("127.0.0.6", "idle"), ["idle"]);
    assert.ok(at < query.length, `${at} of ${query.length} octets sent`);
    assert.equal(answers, 0);
  });

  it("closes a busy connection at the total-time limit, however often it asks", async () => {
    const socket = await connectFrom(serve.dnsPort, "127.0.0.7");
    const closed = closedWithin(socket, 15_000);
    let answers = 0;
    readFrames(socket, () => answers++);
    const asker = setInterval(() => socket.destroyed || socket.write(frame(soaQuery())), 300);
    assert.ok(await closed, "closed");
    clearInterval(asker);
    assert.deepEqual(await limited("127.0.0.7", "lifetime"), ["lifetime"]);
    assert.ok(answers >= 3, `${answers} answers before the limit`);
  });

  it("keeps SOA over TCP, AXFR from an allowed address and HTTP working under a connection flood", async () => {
    // From one address: 100 connections, of which the per-client cap takes 10.
    const opened = await Promise.allSettled(
      Array.from({ length: 100 }, () => connectFrom(serve.dnsPort, "127.0.0.8")),
    );
    const flood = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stillOpen = () => flood.filter((socket) => !socket.destroyed).length;
    assert.ok(stillOpen() <= 10, `${stillOpen()} connections from one client still open`);
    assert.equal((await limited("127.0.0.8", "per-client")).filter((l) => l === "per-client").length, 90);
    // From 20 addresses, 10 each: 200 silent connections against a public share of 60.
    for (let host = 1; host <= 20; host++) {
      const more = await Promise.allSettled(
        Array.from({ length: 10 }, () => connectFrom(serve.dnsPort, `127.0.1.${host}`)),
      );
      for (const result of more) if (result.status === "fulfilled") flood.push(result.value);
    }
    for (const socket of flood) socket.on("error", () => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(stillOpen() <= 60, `${stillOpen()} public connections open against a share of 60`);
    const crowd = Array.from({ length: 20 }, (_, host) => limitsFor(`127.0.1.${host + 1}`)).flat();
    assert.ok(crowd.includes("evicted"), "the longest-idle connections made room for new ones");
    try {
      assert.ok(
        isSoaAnswer(await tcpQueryFrom(serve.dnsPort, "127.0.0.9", soaQuery())),
        "public SOA over TCP",
      );
      const axfr = await tcpTransfer(serve.dnsPort, queryMessage(zone, "AXFR"), 10_000);
      const records = axfr.flatMap((message) => dnsPacket.decode(message).answers ?? []);
      assert.ok(records.length > 16, `an AXFR of ${records.length} records`);
      const health = await fetch(`${serve.http}/health`);
      assert.equal(health.status, 200);
    } finally {
      for (const socket of flood) socket.destroy();
    }
  });

  it("rate limits a UDP burst from one client, sending every second dropped answer truncated", async () => {
    const queries = Array.from({ length: 200 }, (_, id) => soaQuery(id));
    const replies = await udpBurst(serve.dnsPort, "127.0.2.1", queries, { perTick: 2 });
    const truncated = replies.filter((reply) => (reply[2]! & 0x02) !== 0);
    const full = replies.filter((reply) => (reply[2]! & 0x02) === 0);
    assert.ok(full.every(isSoaAnswer));
    assert.ok(full.length < 60, `${full.length} full answers of 200`);
    // Half of the limited answers slip, less any datagram the loopback dropped under the burst.
    const limitedCount = 200 - full.length;
    assert.ok(
      truncated.length <= limitedCount / 2 + 1 && truncated.length >= limitedCount / 4,
      `${truncated.length} truncated answers for ${limitedCount} limited`,
    );
    for (const reply of truncated) {
      const decoded = dnsPacket.decode(reply);
      assert.equal(decoded.answers?.length ?? 0, 0);
      assert.equal(decoded.questions?.[0]?.name, zone);
    }
    // The truncated answer sends a real client to TCP, where it is answered.
    assert.ok(isSoaAnswer(await tcpQueryFrom(serve.dnsPort, "127.0.2.1", soaQuery())));
    // Another network is not limited by the first one's burst; an allowed address is not limited at all.
    assert.equal((await udpBurst(serve.dnsPort, "127.0.3.1", queries.slice(0, 10))).length, 10);
    const allowed = await udpBurst(serve.dnsPort, "127.0.0.1", queries.slice(0, 100), { perTick: 2 });
    assert.equal(allowed.filter(isSoaAnswer).length, 100);
  });

  it("never crashes on random and mutated messages over UDP and TCP, and keeps answering", async (t) => {
    const seed = Number(process.env.DECREE_FUZZ_SEED ?? 7766);
    t.diagnostic(`seed ${seed} (set DECREE_FUZZ_SEED to replay)`);
    const random = seededRandom(seed);
    // From many /24s, so that the rate limit lets most of them be answered.
    for (let network = 0; network < 40; network++) {
      const messages = Array.from({ length: 50 }, () => fuzzMessage(random));
      await udpBurst(serve.dnsPort, `127.0.${10 + network}.1`, messages, { quietMs: 50 });
    }
    for (let connection = 0; connection < 20; connection++) {
      const socket = await connectFrom(serve.dnsPort, `127.0.4.${1 + (connection % 5)}`);
      socket.on("error", () => {});
      socket.on("data", () => {});
      const frames = Array.from({ length: 50 }, () => frame(fuzzMessage(random)));
      // Now and then a cut frame or a lying length.
      if (random.int(3) === 0) frames.push(random.bytes(1 + random.int(40)));
      socket.write(Buffer.concat(frames));
      await new Promise((resolve) => setTimeout(resolve, 30));
      socket.destroy();
    }
    serve.daemon.assertRunning();
    assert.ok(isSoaAnswer(await tcpQueryFrom(serve.dnsPort, "127.0.5.1", soaQuery())), "SOA over TCP");
    const [udp] = await udpBurst(serve.dnsPort, "127.0.6.1", [soaQuery()]);
    assert.ok(isSoaAnswer(udp), "SOA over UDP");
    assert.equal((await fetch(`${serve.http}/health`)).status, 200);
  });
});
