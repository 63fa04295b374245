/**
 * Blocking windows end to end: a real decree service (its clock ticking every second, as `decree serve` does)
 * and a real Unbound, its RPZ secondary over NOTIFY and IXFR, on loopback. Each sample adds a window to an
 * order over HTTP (POST /orders/:id/windows, as an authority would), then times, at Unbound, the window's start
 * to NXDOMAIN and the window's end to the name resolving again, for a name (qname trigger) and an address
 * (rpz-ip trigger). Side by side, the peer: an approval over HTTP (POST /targets/:id/decision) to NXDOMAIN, and
 * a lift to resolving, the path a window's end shares (the release builder, NOTIFY, IXFR).
 *
 * In the same run, decree's route feed drives a real BIRD 2 (configured by `decree bgp config`) with a BGP session
 * on 127.0.0.1 to a second BIRD, the operator's "router" (configured by `decree operators config NAME --for bird`),
 * and each window is also timed there: its start to the address's /32 with the BLACKHOLE community 65535:666
 * (RFC 7999) shown by the router's birdc, its end to the route withdrawn.
 *
 * Windows start 0.3–0.8 s after they are added and last 0.5–1 s, at random; Unbound is asked every 5 ms, so a
 * figure is good to ~5 ms; the router is asked by a birdc process in a loop (a few ms each). One JSON line on
 * stdout.
 *
 * Usage: node --import tsx bench/windows.ts [--windows 8] (about 3 s a sample: past 10 samples, wrap it in
 * `flock /tmp/bench.lock`)
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { addTargets } from "../src/intake/add-targets.ts";
import { findOrder } from "../src/intake/find-order.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { tokenFor } from "../test/support/accounts.ts";
import { freePorts } from "../test/support/free-port.ts";
import { pollUntil } from "../test/support/poll.ts";
import { versionOf } from "../test/support/processes.ts";
import { sampleOrder } from "../test/support/sample-order.ts";
import {
  addressName,
  answerAt,
  blockedAddress,
  isNxdomain,
  resolves,
  startWindowedUnbound,
} from "../test/support/windowed-unbound.ts";
import { routeSeenAt, startBirdRouterPair, waitForSession } from "./support/bird-router.ts";

const { values } = parseArgs({ options: { windows: { type: "string", default: "8" } } });
const samples = Number(values.windows);
const day = 86_400_000;
const actor = "bench:windows";

const birdDir = mkdtempSync(join(tmpdir(), "decree-bench-windows-bgp-"));
const [speakerPort, routerPort] = await freePorts(2);
const routesFile = join(birdDir, "routes.conf");
const bgpEnv = {
  DECREE_BGP_ROUTES_FILE: routesFile,
  DECREE_BGP_BIRD_SOCKET: join(birdDir, "decree.ctl"),
  DECREE_BGP_LISTEN: `127.0.0.1:${speakerPort}`,
};
const setup = await startWindowedUnbound({ clockIntervalMs: 1000, env: bgpEnv });
const { service, unbound } = setup;
// decree writes the routes file at start; BIRD reads it with its configuration.
await pollUntil("decree to write the routes file", async () => (existsSync(routesFile) ? true : undefined));
const birds = await startBirdRouterPair({
  dir: birdDir,
  name: "decree",
  env: { ...bgpEnv, DECREE_DATA: setup.dataDir },
  operator: "unbound-windows",
  routerPort: routerPort!,
});
const { router } = birds;
await waitForSession(router);
const blockedPrefix = `${blockedAddress}/32`;
const routeTimeoutMs = 10_000;
const base = `http://127.0.0.1:${service.http.port}`;
const { token } = await tokenFor(service.store, "authority");
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

const validity = {
  from: new Date(Date.now() - day).toISOString(),
  until: new Date(Date.now() + 30 * day).toISOString(),
};
const name = "live.laliga-pirata.tv";
const firstStart = Date.now() + 3_600_000;
const windowed = await recordOrder(
  service.store,
  sampleOrder({
    measures: ["dns-block", "ip-block"],
    validity,
    targets: [name, blockedAddress],
    // A window an hour away, so that the approved entries wait outside any window.
    windows: [
      { from: new Date(firstStart).toISOString(), until: new Date(firstStart + 60_000).toISOString() },
    ],
  }),
  { actor, now: new Date() },
);
// An address is approved only with its exclusive use shown: the bench records a statement with its document's hash.
const addressTarget = windowed.targets!.added.find((t) => t.value === blockedAddress)!;
const statement = "The address serves only live.laliga-pirata.tv (hosting contract, bench)";
await post(`/targets/${addressTarget.id}/exclusive-use`, {
  statement,
  documentSha256: createHash("sha256").update(statement).digest("hex"),
});
await decideTargets(service.store, {
  decision: "approve",
  refs: windowed.targets!.added.map((t) => String(t.id)),
  reason: "ordered",
  actor,
  now: new Date(),
});
const peerOrder = await recordOrder(service.store, sampleOrder({ measures: ["dns-block"], validity }), {
  actor,
  now: new Date(),
});
await answerAt(unbound, name, resolves(name));
await answerAt(unbound, addressName, resolves(addressName));

const opened: number[] = [];
const closed: number[] = [];
const closedName: number[] = [];
const closedAddress: number[] = [];
const routeAnnounced: number[] = [];
const routeWithdrawn: number[] = [];
let routeMissed = 0;
const approved: number[] = [];
const lifted: number[] = [];
let windowStart = Date.now();

for (let i = 0; i < samples; i++) {
  // A window a little ahead, never before the previous one's end (windows of an order may not overlap).
  windowStart = Math.max(windowStart, Date.now()) + 300 + Math.random() * 500;
  const windowEnd = windowStart + 500 + Math.random() * 500;
  await post(`/orders/${windowed.order.id}/windows`, {
    windows: [
      {
        from: new Date(windowStart).toISOString(),
        until: new Date(windowEnd).toISOString(),
        label: `match ${i}`,
      },
    ],
  });
  const [blockedName, blockedIp, announced] = await Promise.all([
    answerAt(unbound, name, isNxdomain),
    answerAt(unbound, addressName, isNxdomain),
    routeSeenAt(router, blockedPrefix, true, routeTimeoutMs),
  ]);
  opened.push(Math.max(blockedName, blockedIp) - windowStart);
  if (announced) routeAnnounced.push(announced.wall - windowStart);
  else routeMissed += 1;
  const [freedName, freedIp, withdrawn] = await Promise.all([
    answerAt(unbound, name, resolves(name)),
    answerAt(unbound, addressName, resolves(addressName)),
    routeSeenAt(router, blockedPrefix, false, routeTimeoutMs),
  ]);
  if (withdrawn) routeWithdrawn.push(withdrawn.wall - windowEnd);
  else routeMissed += 1;
  closedName.push(freedName - windowEnd);
  closedAddress.push(freedIp - windowEnd);
  closed.push(Math.max(freedName, freedIp) - windowEnd);
  windowStart = windowEnd;

  // The peer: a fresh name approved, then lifted, over HTTP.
  const peerName = `peer-${i}.partidos-en-directo.com`;
  const added = await inTransaction(service.store.db, async (trx) =>
    addTargets(trx, await findOrder(trx, peerOrder.order.id), [{ input: peerName, line: 1 }], {
      actor,
      now: new Date(),
      skipInvalid: false,
    }),
  );
  const id = added.added[0]!.id;
  await sleep(100 + Math.random() * 200);
  let sent = Date.now();
  await post(`/targets/${id}/decision`, { decision: "approve", reason: "ordered" });
  approved.push((await answerAt(unbound, peerName, isNxdomain)) - sent);
  await sleep(100 + Math.random() * 200);
  sent = Date.now();
  await post(`/targets/${id}/decision`, { decision: "lift", reason: "bench" });
  lifted.push((await answerAt(unbound, peerName, resolves(peerName))) - sent);
}

const birdVersion = (await router.birdc("show", "status")).match(/BIRD [\d.]+/)?.[0] ?? "BIRD 2";
await birds.stop();
await setup.close();
rmSync(birdDir, { recursive: true, force: true });

function stats(list: number[]) {
  if (list.length === 0) return { p50: null, p95: null, max: null };
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), max: Math.round(sorted.at(-1)!) };
}

const windowEnd = stats(closed);
const routeEnd = stats(routeWithdrawn);
const lift = stats(lifted);
process.stdout.write(
  `${JSON.stringify({
    bench: "windows",
    samples,
    unit: "ms",
    includes:
      "window end (its ends_at) → both the name (qname trigger) and the address (rpz-ip) resolving at Unbound: the clock job woken at the edge, the release build, NOTIFY, Unbound's IXFR; peer: HTTP approval or lift sent → NXDOMAIN / resolving at Unbound",
    windowEndToResolving: windowEnd,
    windowEndToResolvingName: stats(closedName),
    windowEndToResolvingAddress: stats(closedAddress),
    windowStartToBlocked: stats(opened),
    windowStartToRouteAnnounced: stats(routeAnnounced),
    windowEndToRouteWithdrawn: routeEnd,
    routeMissed,
    routeIncludes:
      "window start (its starts_at) → the router's birdc first showing the address's /32 with (65535,666), and window end → no longer: the clock job, the release build, the routes file, birdc configure at decree's BIRD, BGP UPDATE, the router's import; the router asked by birdc processes in a loop (a few ms each), at the same time as Unbound",
    peerApprovalToBlocked: stats(approved),
    peerLiftToResolving: lift,
    ratioWindowEndToLiftP50: Number(((windowEnd.p50 ?? 0) / Math.max(1, lift.p50 ?? 0)).toFixed(2)),
    goalMet: windowEnd.p95 !== null && windowEnd.p95 <= 1000,
    routeGoalMet: routeMissed === 0 && routeEnd.p95 !== null && routeEnd.p95 <= 1000,
    clockIntervalMs: 1000,
    unbound: versionOf("unbound", ["-V"]),
    bird: `${birdVersion}, two daemons on 127.0.0.1 (decree's and the router)`,
    loadavg: readFileSync("/proc/loadavg", "utf8").trim(),
  })}\n`,
);
