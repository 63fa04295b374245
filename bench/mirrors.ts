/**
 * bench/mirrors: mirror checks on the loopback farm (test/support/mirror-farm.ts): 4 blocked streaming sites,
 * 104 mirrors with varied changes and 104 lawful look-alikes, each served by name over HTTP(S) behind a real
 * BIND. Timed: candidates evaluated per second (DNS, fetch with redirects, favicon, fingerprint, score) at a
 * given concurrency, and each site's own check time; then precision and recall on the 208 labelled pages, and
 * one discovery run over the 4 blocked names. The peer is the manual check: about 45 minutes per site for
 * France's regulator (ARCOM), as documented by the regulator; not measured here. Prints one JSON line.
 * Usage: node --import tsx bench/mirrors.ts [--concurrency 8]
 */

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { recordOrder } from "../src/intake/record-order.ts";
import { openStore } from "../src/store/open-store.ts";
import { mapLimited } from "../src/verify/map-limited.ts";
import { collectSiteEvidence, type SiteEvidence } from "../src/verify/mirrors/collect-site-evidence.ts";
import { discoverMirrors } from "../src/verify/mirrors/discover-mirrors.ts";
import { scoreMirror } from "../src/verify/mirrors/score-mirror.ts";
import { siteSettings } from "../src/verify/mirrors/site-settings.ts";
import { startMirrorFarm } from "../test/support/mirror-farm.ts";
import { duringOrder, sampleOrder } from "../test/support/sample-order.ts";

const { values } = parseArgs({ options: { concurrency: { type: "string", default: "8" } } });
const concurrency = Number(values.concurrency);
const farm = await startMirrorFarm();
const dir = mkdtempSync(join(tmpdir(), "decree-bench-mirrors-"));
const store = await openStore({ dataDir: dir });
try {
  const settings = siteSettings(farm.resolver, {
    allowPrivate: true,
    httpPort: farm.httpPort,
    httpsPort: farm.httpsPort,
  });
  const originals = new Map<string, SiteEvidence>();
  for (const name of farm.plan.originals) originals.set(name, await collectSiteEvidence(name, settings));
  const pairs = farm.plan.pairs;
  const started = performance.now();
  const results = await mapLimited(pairs, concurrency, async (pair) => {
    const began = performance.now();
    const evidence = await collectSiteEvidence(pair.candidate, settings);
    const score = scoreMirror(originals.get(pair.original)!, evidence);
    return { pair, score, ms: performance.now() - began };
  });
  const seconds = (performance.now() - started) / 1000;
  // One site at a time: the time a reviewer waits for one check.
  const alone = [];
  for (const pair of pairs.slice(0, 40)) {
    const began = performance.now();
    scoreMirror(originals.get(pair.original)!, await collectSiteEvidence(pair.candidate, settings));
    alone.push(performance.now() - began);
  }
  const proposed = results.filter((r) => r.score.verdict === "mirror");
  const truePositives = proposed.filter((r) => r.pair.mirror).length;
  const mirrors = results.filter((r) => r.pair.mirror);
  const lookalikes = results.filter((r) => !r.pair.mirror);
  const { order } = await recordOrder(
    store,
    sampleOrder({ extendsToMirrors: true, targets: farm.plan.originals }),
    { actor: "bench", now: duringOrder },
  );
  const discoveryStarted = performance.now();
  const discovery = await discoverMirrors(store, order, settings, { actor: "bench", now: () => duringOrder });
  const discoverySeconds = (performance.now() - discoveryStarted) / 1000;
  const expected = new Set(Object.values(farm.plan.discoverable).flatMap((d) => d.mirrors));
  const forbidden = new Set(Object.values(farm.plan.discoverable).flatMap((d) => d.lookalikes));
  const queued = discovery.candidates.filter((c) => c.state === "queued");
  console.log(
    JSON.stringify({
      bench: "mirrors",
      farm: "loopback HTTP(S) virtual hosts + BIND 9 authoritative",
      labelledPages: results.length,
      mirrors: mirrors.length,
      lookalikes: lookalikes.length,
      concurrency,
      candidatesPerSecond: Number((results.length / seconds).toFixed(1)),
      siteCheckMs: percentiles(alone),
      precision: round(truePositives / proposed.length),
      recall: round(truePositives / mirrors.length),
      lookalikesProposed: lookalikes.filter((r) => r.score.verdict === "mirror").length,
      lowestMirrorScore: Math.min(...mirrors.map((r) => r.score.score)),
      highestLookalikeScore: Math.max(...lookalikes.map((r) => r.score.score)),
      threshold: results[0]!.score.threshold,
      discovery: {
        blockedNames: discovery.progress.blocked,
        namesGenerated: discovery.progress.generated,
        resolved: discovery.progress.resolved,
        fetched: discovery.progress.fetched,
        queued: queued.length,
        expectedFound: queued.filter((c) => expected.has(c.name)).length,
        expected: expected.size,
        lookalikesQueued: queued.filter((c) => forbidden.has(c.name)).length,
        seconds: Number(discoverySeconds.toFixed(2)),
      },
      targets: { precision: 0.95, recall: 0.9, siteCheckMs: 1000 },
      // Timings on a shared machine: the one-minute load average at the end says how shared.
      loadAverage: Number(loadavg()[0]!.toFixed(1)),
      peer: {
        name: "ARCOM manual mirror check (documented, not measured)",
        minutesPerSite: 45,
        speedup: Math.round((45 * 60 * 1000) / percentiles(alone).p50),
      },
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await farm.stop();
}

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
