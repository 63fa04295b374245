/**
 * bench/dns-snapshot: the DNS snapshot check on one bulk submission of 100,000 names, against a real BIND 9
 * started here as the local resolver (authoritative for the names' zone: half of them exist, one in 100 is an
 * alias into a CDN, the rest NXDOMAIN). Timed: the check's preparation, which resolves every name (A, AAAA,
 * CNAME chain, NS) with bounded concurrency, and its per-target findings. Prints one JSON line.
 * Usage: node --import tsx bench/dns-snapshot.ts [--targets 100000] [--concurrency 64]
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCheckData } from "../src/checks/check-data.ts";
import { dnsSnapshot } from "../src/checks/dns-snapshot.ts";
import type { Finding } from "../src/checks/finding.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { openStore } from "../src/store/open-store.ts";
import { startAuthoritativeBind } from "../test/support/authoritative-bind.ts";
import { sampleOrder } from "../test/support/sample-order.ts";

const { values } = parseArgs({
  options: {
    targets: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "64" },
  },
});
const count = Number(values.targets);
const records: string[] = [];
for (let i = 0; i < count; i += 2) {
  records.push(
    i % 100 === 0
      ? `n${i} IN CNAME n${i}.cdn.cloudflare.net.`
      : `n${i} IN A 62.210.${(i >> 8) & 255}.${i & 255}`,
  );
}
const bind = await startAuthoritativeBind([
  { origin: "bench-films.com", records },
  { origin: "cdn.cloudflare.net", records: ["* IN A 104.16.132.229"] },
]);
const dir = mkdtempSync(join(tmpdir(), "decree-bench-dns-"));
const store = await openStore({ dataDir: dir });
try {
  const now = new Date("2026-06-01T00:00:00Z");
  const { order } = await recordOrder(store, sampleOrder(), { actor: "bench", now });
  const targets = Array.from({ length: count }, (_, i) => ({
    kind: "fqdn" as const,
    value: `n${i}.bench-films.com`,
    origin: "order" as const,
    validUntil: order.validUntil,
  }));
  const run = {
    targets,
    context: { order, db: store.db, now },
    data: await loadCheckData(store.db),
    settings: {},
  };
  const started = performance.now();
  const check = await dnsSnapshot({
    resolver: { host: bind.host, port: bind.port },
    concurrency: Number(values.concurrency),
  })(run);
  const findings: Finding[] = [];
  for (const target of targets) findings.push(...(await check.run(target, run.context)));
  const seconds = (performance.now() - started) / 1000;
  const byCode: Record<string, number> = {};
  for (const finding of findings) byCode[finding.code] = (byCode[finding.code] ?? 0) + 1;
  console.log(
    JSON.stringify({
      bench: "dns-snapshot",
      resolver: "BIND 9, local, authoritative",
      targets: count,
      concurrency: Number(values.concurrency),
      seconds: Number(seconds.toFixed(2)),
      targetsPerSecond: Math.round(count / seconds),
      findings: byCode,
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await bind.stop();
}
