/**
 * decree serve under abuse, with the defaults of docs/dns-limits.md: RSS of the `decree serve` child while one
 * client pipelines N TCP queries without reading, and while K connections trickle bytes; latencies of a
 * legitimate SOA over TCP, an AXFR from the allowed address and GET /health sampled at random gaps throughout;
 * UDP answers per second to one client with the rate limit on and off, in the same run. Prints one JSON line.
 * Usage: npm run bench:dns-abuse -- [--queries N] [--trickle K]
 */
import { parseArgs } from "node:util";
import dnsPacket from "dns-packet";
import { connectFrom, tcpQueryFrom, udpBurst } from "../test/support/dns-abuse-client.ts";
import { frame, queryMessage, tcpTransfer } from "../test/support/dns-wire.ts";
import { type ServeProcess, startServe } from "../test/support/serve-process.ts";

const { values } = parseArgs({
  options: { queries: { type: "string", default: "2000000" }, trickle: { type: "string", default: "5000" } },
});
const queries = Number(values.queries);
const trickle = Number(values.trickle);
const zone = "rpz.decree";
const mib = 1024 * 1024;

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2));
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** Samples the three legitimate requests at random gaps (20–120 ms) and the child's RSS, until `stop`. */
function sampler(serve: ServeProcess) {
  const soa: number[] = [];
  const axfr: number[] = [];
  const http: number[] = [];
  let failures = 0;
  let peakRss = serve.rss();
  let running = true;
  const time = async (into: number[], request: () => Promise<unknown>) => {
    const started = performance.now();
    const ok = await request().then(Boolean, () => false);
    if (ok) into.push(performance.now() - started);
    else failures++;
  };
  const loop = (async () => {
    while (running) {
      peakRss = Math.max(peakRss, serve.rss());
      await time(soa, () => tcpQueryFrom(serve.dnsPort, "127.0.0.9", queryMessage(zone, "SOA"), 5000));
      await time(axfr, () => tcpTransfer(serve.dnsPort, queryMessage(zone, "AXFR"), 5000));
      await time(http, () => fetch(`${serve.http}/health`).then((r) => r.ok));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return {
      peakRssMiB: Math.round(peakRss / mib),
      failures,
      soaTcpMs: summary(soa),
      axfrMs: summary(axfr),
      httpMs: summary(http),
    };
  };
}

async function pipelining(serve: ServeProcess) {
  const baseline = Math.round(serve.rss() / mib);
  const stop = sampler(serve);
  const socket = await connectFrom(serve.dnsPort, "127.0.0.2");
  socket.on("error", () => {});
  const started = performance.now();
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const batch = Buffer.concat(
    Array.from({ length: 1000 }, (_, id) => frame(queryMessage(zone, "SOA", { id }))),
  );
  let written = 0;
  for (; written < queries && !socket.destroyed; written += 1000) {
    if (!socket.write(batch)) await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 180_000))]);
  const closedAfterS = Number(((performance.now() - started) / 1000).toFixed(1));
  socket.destroy();
  return {
    queriesOffered: queries,
    queriesTheServerTook: written,
    closedAfterS,
    baselineRssMiB: baseline,
    ...(await stop()),
  };
}

async function trickling(serve: ServeProcess) {
  const baseline = Math.round(serve.rss() / mib);
  const stop = sampler(serve);
  const sockets: import("node:net").Socket[] = [];
  for (let index = 0; index < trickle; index++) {
    // 16 a client address, the default per-client cap: the flood reaches the total cap, not the per-client one.
    const address = `127.1.${Math.floor(index / 16 / 250)}.${1 + (Math.floor(index / 16) % 250)}`;
    const socket = await connectFrom(serve.dnsPort, address).catch(() => undefined);
    if (socket) {
      socket.on("error", () => {});
      sockets.push(socket);
    }
  }
  const timer = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write(Buffer.from([0]));
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  clearInterval(timer);
  const open = sockets.filter((socket) => !socket.destroyed).length;
  for (const socket of sockets) socket.destroy();
  return { connectionsOffered: trickle, openAfter15s: open, baselineRssMiB: baseline, ...(await stop()) };
}

async function udpRate(serve: ServeProcess) {
  const messages = Array.from({ length: 2000 }, (_, id) => queryMessage(zone, "SOA", { id }));
  const started = performance.now();
  const replies = await udpBurst(serve.dnsPort, "127.0.2.1", messages, { perTick: 2, quietMs: 200 });
  const seconds = (performance.now() - started) / 1000;
  const full = replies.filter(
    (reply) => (reply[2]! & 0x02) === 0 && (dnsPacket.decode(reply).answers?.length ?? 0) > 0,
  );
  return {
    sent: messages.length,
    fullAnswersPerS: Math.round(full.length / seconds),
    truncated: replies.length - full.length,
    seconds: Number(seconds.toFixed(2)),
  };
}

const serve = await startServe({});
const off = await startServe({ DECREE_DNS_RATE_LIMIT: "off" });
try {
  const pipelined = await pipelining(serve);
  const trickled = await trickling(serve);
  const rrlOn = await udpRate(serve);
  const rrlOff = await udpRate(off);
  console.log(
    JSON.stringify({
      bench: "dns-abuse",
      includes:
        "RSS of a `decree serve --demo` child (VmRSS, peak of samples); latencies of a new TCP connection + SOA query from a public address, a full AXFR from 127.0.0.1 (allowed) and GET /health, sampled at random 20-120 ms gaps during each phase; UDP: one client (127.0.2.1) sending 2,000 SOA queries, full answers per second, rate limit on (default 20/s, slip 2) vs off",
      pipelining: pipelined,
      trickle: trickled,
      udp: { rateLimitOn: rrlOn, rateLimitOff: rrlOff },
    }),
  );
} finally {
  await serve.stop();
  await off.stop();
}
