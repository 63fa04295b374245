/**
 * bench/bgp: how long after an approval over HTTP an operator's router holds the blackhole route, and how long
 * after a lift it has dropped it, through decree's path (POST /targets/decisions → release → routes file →
 * `birdc configure` → decree's BIRD → BGP UPDATE → the router's BIRD), side by side in the same run with BIRD
 * alone: the same two-daemon setup (configurations printed by `decree bgp config` and `decree operators config
 * --for bird`) driven by hand, writing the include file and running `birdc configure` directly, so the
 * difference is what decree adds. Changes alternate decree, BIRD alone, at random gaps; the router is asked
 * `birdc show route <prefix>` in a loop (each ask is a birdc process, ~ms, the same for both). Four BIRD daemons on
 * 127.0.0.1, no kernel protocol: nothing leaves the machine. Prints one JSON line.
 * `--entries N` first approves N standing address entries (and gives BIRD alone the same N routes), so that each
 * change rewrites and reloads N routes, as at Piracy Shield's scale (10,966 IPv4 addresses).
 * Usage: node --import tsx bench/bgp.ts [--changes 30] [--entries 0] [--timeout-ms 10000] [--max-gap-ms 200]
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { issueToken } from "../src/accounts/tokens.ts";
import { createUser } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { validateOrderInput } from "../src/intake/parse-order-file.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { startService } from "../src/main.ts";
import { birdRoutesText } from "../src/publish/bgp/bird-routes-text.ts";
import { defaultNextHops } from "../src/publish/bgp/blackhole-route.ts";
import { addOperator } from "../src/publish/operators.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import type { Bird } from "../test/support/bird.ts";
import { freePorts } from "../test/support/free-port.ts";
import { routeSeenAt, startBirdRouterPair, waitForSession } from "./support/bird-router.ts";

const { values } = parseArgs({
  options: {
    changes: { type: "string", default: "30" },
    entries: { type: "string", default: "0" },
    "timeout-ms": { type: "string", default: "10000" },
    "max-gap-ms": { type: "string", default: "200" },
  },
});
const changes = Number(values.changes);
const standingCount = Number(values.entries);
const timeoutMs = Number(values["timeout-ms"]);
const maxGapMs = Number(values["max-gap-ms"]);
const actor = "bench:bgp";
const day = 86_400_000;

const round = (value: number) => Number(value.toFixed(1));
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}
function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), n: sorted.length };
}

/** Asks the router until the route is there (or gone); the time it was first seen so, or undefined at the deadline. */
async function until(router: Bird, prefix: string, present: boolean): Promise<number | undefined> {
  return (await routeSeenAt(router, prefix, present, timeoutMs))?.performance;
}

function birdcConfigure(socket: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("birdc", ["-s", socket, "configure"], (error, stdout) =>
      error ? reject(new Error(`birdc configure: ${stdout}`)) : resolve(),
    ),
  );
}

/** BIRD alone: the include as decree would write it, temp + rename, then `birdc configure`. */
async function handWrite(file: string, socket: string, prefixes: string[]): Promise<void> {
  let text = "";
  const routes = prefixes.map((prefix) => ({
    prefix,
    family: "ipv4" as const,
    nextHop: defaultNextHops.ipv4,
  }));
  for await (const chunk of birdRoutesText([routes], { zone: "rpz.decree", serial: 0 })) text += chunk;
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
  await birdcConfigure(socket);
}

const dir = mkdtempSync(join(tmpdir(), "decree-bench-bgp-"));
const birds: Bird[] = [];
let service: Awaited<ReturnType<typeof startService>> | undefined;
try {
  const [speakerPort, routerPort, aloneSpeakerPort, aloneRouterPort] = await freePorts(4);
  const dataDir = join(dir, "data");
  const routesFile = join(dir, "routes.conf");
  const aloneFile = join(dir, "alone-routes.conf");
  const env = {
    DECREE_DATA: dataDir,
    DECREE_BGP_ROUTES_FILE: routesFile,
    DECREE_BGP_BIRD_SOCKET: join(dir, "decree.ctl"),
    DECREE_BGP_LISTEN: `127.0.0.1:${speakerPort}`,
  };
  const aloneEnv = {
    ...env,
    DECREE_BGP_ROUTES_FILE: aloneFile,
    DECREE_BGP_BIRD_SOCKET: join(dir, "alone.ctl"),
    DECREE_BGP_LISTEN: `127.0.0.1:${aloneSpeakerPort}`,
  };
  const config = loadConfig(
    { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" },
    env,
  );
  service = await startService(config, {});
  const { db } = service.store;
  const now = new Date();
  await addOperator(db, { name: "Orange", tsig: false }, { actor, now });
  const organisation = await createOrganisation(db, { name: "Bench authority" }, { actor, now });
  const user = await createUser(
    db,
    { organisationId: organisation.id, email: "authority@bench.example", role: "authority" },
    { actor, now },
  );
  const { token } = await issueToken(db, { userId: user.id, label: "bench" }, { actor, now });
  const addresses = Array.from({ length: changes }, (_, i) => `5.45.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const orderOf = (caseNumber: string, targets: string[]) =>
    validateOrderInput(
      {
        kind: "court-decision",
        authority: "Tribunale di Milano",
        jurisdiction: "it",
        caseNumber,
        decisionDate: "2026-01-10",
        applicants: ["Lega Serie A"],
        addressees: [{ name: "Orange", role: "operator" }],
        measures: ["ip-block"],
        deadline: "30 minutes",
        validity: {
          from: new Date(Date.now() - day).toISOString(),
          until: new Date(Date.now() + day).toISOString(),
        },
        targets,
      },
      "bench order",
    );
  const { targets } = await recordOrder(service.store, orderOf("RG 26/99001", addresses), { actor, now });
  const standing = Array.from(
    { length: standingCount },
    (_, i) => `5.${60 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`,
  );
  if (standing.length > 0) {
    const recorded = await recordOrder(service.store, orderOf("RG 26/99002", standing), { actor, now });
    const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
    await decideTargets(service.store, { decision: "approve", refs, reason: "bench", actor, now });
  }
  const ids = (targets?.added ?? []).map((target) => target.id);

  await writeFile(aloneFile, "");
  for (const [name, args, speakerEnv] of [
    ["decree", [], env],
    ["alone", ["--speaker", `127.0.0.1:${aloneSpeakerPort}`], aloneEnv],
  ] as const) {
    const pair = await startBirdRouterPair({
      dir,
      name,
      env: speakerEnv,
      operator: "Orange",
      routerPort: (name === "decree" ? routerPort : aloneRouterPort)!,
      routerArgs: [...args],
    });
    birds.push(pair.speaker, pair.router);
  }
  const [, router, aloneSpeaker, aloneRouter] = birds as [Bird, Bird, Bird, Bird];
  const standingPrefixes = standing.map((address) => `${address}/32`);
  await handWrite(aloneFile, aloneSpeaker.socket, standingPrefixes);
  for (const bird of [router, aloneRouter]) await waitForSession(bird, standing.length);

  const decide = async (decision: "approve" | "lift", id: number) => {
    const response = await fetch(`http://127.0.0.1:${service!.http.port}/targets/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ decision, targets: [id], reason: "bench" }),
    });
    if (response.status !== 200)
      throw new Error(`${decision} ${id}: ${response.status} ${await response.text()}`);
  };
  const decree = { announce: [] as number[], withdraw: [] as number[], missed: 0 };
  const alone = { announce: [] as number[], withdraw: [] as number[], missed: 0 };
  for (let i = 0; i < changes; i += 1) {
    const prefix = `${addresses[i]}/32`;
    await sleep(Math.random() * maxGapMs);
    let start = performance.now();
    await decide("approve", ids[i]!);
    let seen = await until(router, prefix, true);
    if (seen === undefined) decree.missed += 1;
    else decree.announce.push(seen - start);
    await sleep(Math.random() * maxGapMs);
    start = performance.now();
    await decide("lift", ids[i]!);
    seen = await until(router, prefix, false);
    if (seen === undefined) decree.missed += 1;
    else decree.withdraw.push(seen - start);

    const alonePrefix = `5.46.${Math.floor(i / 250)}.${(i % 250) + 1}/32`;
    await sleep(Math.random() * maxGapMs);
    start = performance.now();
    await handWrite(aloneFile, aloneSpeaker.socket, [...standingPrefixes, alonePrefix]);
    seen = await until(aloneRouter, alonePrefix, true);
    if (seen === undefined) alone.missed += 1;
    else alone.announce.push(seen - start);
    await sleep(Math.random() * maxGapMs);
    start = performance.now();
    await handWrite(aloneFile, aloneSpeaker.socket, standingPrefixes);
    seen = await until(aloneRouter, alonePrefix, false);
    if (seen === undefined) alone.missed += 1;
    else alone.withdraw.push(seen - start);
  }
  const decreeSummary = { announce: summary(decree.announce), withdraw: summary(decree.withdraw) };
  const aloneSummary = { announce: summary(alone.announce), withdraw: summary(alone.withdraw) };
  const ratio = (a: number | null, b: number | null) => (a !== null && b ? round(a / b) : null);
  console.log(
    JSON.stringify({
      bench: "bgp",
      changes,
      standingEntries: standing.length,
      includes:
        "decree: from sending POST /targets/decisions (approve, then lift) to the router's birdc first showing the " +
        "/32 with (65535,666) (then no longer): HTTP, decision, release, routes file, birdc configure, BGP UPDATE, " +
        "the router's import; birdAlone: from writing the same include by hand (temp + rename) and birdc " +
        "configure to the same sighting; both sampled by birdc processes in a loop (a few ms each)",
      decree: { ...decreeSummary, missed: decree.missed },
      birdAlone: { ...aloneSummary, missed: alone.missed },
      ratioP50: {
        announce: ratio(decreeSummary.announce.p50Ms, aloneSummary.announce.p50Ms),
        withdraw: ratio(decreeSummary.withdraw.p50Ms, aloneSummary.withdraw.p50Ms),
      },
      bird: "BIRD 2.0.12 (Debian bird2), four daemons on 127.0.0.1",
      loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    }),
  );
} finally {
  for (const bird of birds.reverse()) await bird.stop();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
}
