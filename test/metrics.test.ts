import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import type { ReleaseSummary } from "../src/publish/build-release.ts";
import { addOperator } from "../src/publish/operators.ts";
import { resolverConfig } from "../src/publish/resolver-config.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import {
  parsePrometheusText,
  promtoolCheckMetrics,
  type Sample,
  sampleValue,
} from "./support/prometheus-text.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { type ResolverUnderTest, startUnbound } from "./support/unbound.ts";
import { startUpstream, type Upstream } from "./support/upstream.ts";

// decree serve as an operator of it sees it: a real Unbound transferring the RPZ zone, a secondary whose NOTIFY
// port answers nothing, /metrics scraped and checked by promtool, and the JSON log read back line by line.

const run = promisify(execFile);
const actor = "test:metrics";
const token = "metrics-test-token-0123456789";
const domains = ["allostreaming.com", "fifostream.tv"];
const day = 86_400_000;

describe("decree serve's metrics and structured log", { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-metrics-"));
  const logLines: Array<Record<string, unknown>> = [];
  let service: RunningService;
  let upstream: Upstream;
  let unbound: ResolverUnderTest;
  let silentPort: number;
  let release: ReleaseSummary;

  before(async () => {
    upstream = await startUpstream(domains);
    const config = {
      ...loadConfig({ data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" }, {}),
      // Transfers pass only by an operator's own rule, so that the peer is named after the operator.
      transferAllow: [],
      metricsToken: token,
      metrics: { host: "127.0.0.1", port: 0 },
    };
    const stream = {
      write(line: string) {
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      },
    };
    service = await startService(config, { clockIntervalMs: 100, logger: { level: "info", stream } });
    const unboundPort = await freePort();
    // Nothing listens here: every NOTIFY to it goes unanswered until the sender gives up.
    silentPort = await freePort();
    const now = new Date();
    const forUnbound = await addOperator(
      service.store.db,
      { name: "unbound-metrics", notify: [`127.0.0.1:${unboundPort}`], allow: ["127.0.0.1"], tsig: false },
      { actor, now },
    );
    await addOperator(
      service.store.db,
      { name: "silent-secondary", notify: [`127.0.0.1:${silentPort}`], tsig: false },
      { actor, now },
    );
    const primary = { zone: "rpz.decree", ...service.dns, httpBase: `http://127.0.0.1:${service.http.port}` };
    unbound = await startUnbound({
      port: unboundPort,
      // A forwarder for "." on loopback besides the stub zones: no name this Unbound is asked leaves the machine.
      rpz: [
        resolverConfig("unbound", forUnbound.operator, primary),
        "forward-zone:",
        '    name: "."',
        `    forward-addr: ${upstream.host}@${upstream.port}`,
      ].join("\n"),
      upstream,
    });
    await pollUntil("Unbound's first transfer", async () =>
      logLines.find((line) => line.event === "zone.transfer" && line.peer === "unbound-metrics"),
    );
    const released = once(service.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    const { targets } = await recordOrder(
      service.store,
      sampleOrder({
        targets: [{ value: "allostreaming.com", kind: "domain" }],
        validity: {
          from: new Date(Date.now() - day).toISOString(),
          until: new Date(Date.now() + day).toISOString(),
        },
      }),
      { actor, now: new Date() },
    );
    await decideTargets(service.store, {
      decision: "approve",
      refs: (targets?.added ?? []).map((target) => String(target.id)),
      reason: "test",
      actor,
      now: new Date(),
    });
    [release] = await released;
  });

  after(async () => {
    await unbound?.stop();
    await service?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function scrape(): Promise<{ body: string; samples: Sample[] }> {
    const response = await fetch(`http://127.0.0.1:${service.http.port}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    return { body, samples: parsePrometheusText(body) };
  }

  it("serves an exposition promtool accepts, with the new serial and the targets by state", async () => {
    const { body, samples } = await scrape();
    // promtool parses the whole text (exit 1 when it cannot) and lints names (exit 3): the only names it may
    // object to are prom-client's Node defaults (gauges named *_total), never one of decree's.
    const check = await promtoolCheckMetrics(body);
    assert.ok(check.code === 0 || check.code === 3, check.output);
    assert.doesNotMatch(check.output, /error while linting/);
    const linted = check.output.split("\n").filter((line) => line.trim() !== "");
    assert.deepEqual(
      linted.filter((line) => !/^nodejs_\w+ /.test(line.trim())),
      [],
      "promtool's complaints about decree's own metrics",
    );
    assert.equal(sampleValue(samples, "decree_release_serial"), release.soaSerial);
    // Approved, or already active if the clock has moved it: counted either way (and reused for 30 s).
    const entries = samples
      .filter((s) => s.name === "decree_targets" && ["approved", "active"].includes(s.labels.state ?? ""))
      .reduce((sum, s) => sum + s.value, 0);
    assert.equal(entries, 1);
    assert.ok((sampleValue(samples, "decree_releases_total") ?? 0) >= 1);
    assert.ok((sampleValue(samples, "decree_release_build_seconds_count") ?? 0) >= 1);
    assert.ok(sampleValue(samples, "process_cpu_seconds_total") !== undefined, "Node process metrics");
  });

  it("counts Unbound's transfers under its operator's name, with the serial it was served", async () => {
    const transferred = await pollUntil(`Unbound's transfer of serial ${release.soaSerial}`, async () => {
      const { samples } = await scrape();
      const served = sampleValue(samples, "decree_secondary_served_serial", { peer: "unbound-metrics" });
      return served === release.soaSerial ? samples : undefined;
    });
    const ok = transferred
      .filter((s) => s.name === "decree_zone_transfers_total" && s.labels.peer === "unbound-metrics")
      .filter((s) => s.labels.result === "ok" && s.labels.kind !== "SOA")
      .reduce((sum, s) => sum + s.value, 0);
    // The AXFR at start, then the IXFR that NOTIFY set off.
    assert.ok(ok >= 2, `transfers counted for unbound-metrics: ${ok}`);
    const asked = sampleValue(transferred, "decree_secondary_asked_serial", { peer: "unbound-metrics" });
    assert.ok(asked !== undefined && asked < release.soaSerial, `asked from ${asked}`);
    assert.equal(
      sampleValue(transferred, "decree_secondary_releases_behind", { peer: "unbound-metrics" }),
      0,
    );
    const last = sampleValue(transferred, "decree_secondary_last_transfer_timestamp_seconds", {
      peer: "unbound-metrics",
    });
    assert.ok(last !== undefined && Math.abs(last - Date.now() / 1000) < 60, `last transfer at ${last}`);
    const acknowledged = sampleValue(transferred, "decree_notify_acknowledged_total", {
      operator: "unbound-metrics",
    });
    assert.ok((acknowledged ?? 0) >= 1, "Unbound acknowledged the NOTIFY");
  });

  it("logs each transfer as one JSON line with the peer and the serials", async () => {
    const line = await pollUntil(`the log line of the transfer of serial ${release.soaSerial}`, async () =>
      logLines.find((l) => l.event === "zone.transfer" && l.serial === release.soaSerial),
    );
    assert.equal(line.peer, "unbound-metrics");
    assert.equal(line.remote, "127.0.0.1");
    assert.equal(line.kind, "IXFR");
    assert.ok(Number(line.fromSerial) < release.soaSerial, `from ${String(line.fromSerial)}`);
    assert.ok(typeof line.bytes === "number" && line.bytes > 0);
    assert.ok(typeof line.records === "number" && line.records >= 2, "at least the two SOAs");
    assert.ok(typeof line.ms === "number");
    const released = logLines.find((l) => l.event === "release" && l.release === release.id);
    assert.ok(released, "the release is logged");
    assert.equal(released.added, release.added);
    assert.ok(typeof released.buildMs === "number");
  });

  it("counts a NOTIFY nobody answers as failed for that secondary, and logs it", async () => {
    const secondary = `127.0.0.1:${silentPort}`;
    // Five tries, 250 ms doubled each time: the sender gives up some 8 s after the release.
    const failed = await pollUntil(
      "the unanswered NOTIFY to be given up",
      async () => {
        const { samples } = await scrape();
        return sampleValue(samples, "decree_notify_failed_total", { secondary, reason: "timeout" });
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    assert.ok(failed >= 1);
    const { samples } = await scrape();
    assert.equal(sampleValue(samples, "decree_notify_failed_total", { secondary })! >= 1, true);
    assert.equal(sampleValue(samples, "decree_notify_acknowledged_total", { secondary }), undefined);
    assert.ok((sampleValue(samples, "decree_notify_sent_total", { operator: "silent-secondary" }) ?? 0) >= 5);
    const line = logLines.find((l) => l.event === "notify" && l.secondary === secondary);
    assert.ok(line, "the NOTIFY outcome is logged");
    assert.equal(line.acknowledged, false);
    assert.equal(line.rcode, "timeout");
    assert.equal(line.operator, "silent-secondary");
  });

  it("counts and logs a refused transfer under the peer's address", async () => {
    const refused = await run("dig", [
      "@127.0.0.1",
      "-b",
      "127.0.0.2",
      "-p",
      String(service.dns.port),
      "+tries=1",
      "+time=2",
      "AXFR",
      "rpz.decree",
    ]).catch((error: { stdout: string }) => error);
    assert.match(refused.stdout, /Transfer failed|REFUSED/);
    const { samples } = await scrape();
    assert.ok(
      (sampleValue(samples, "decree_zone_transfers_total", {
        kind: "AXFR",
        result: "refused",
        peer: "127.0.0.2",
      }) ?? 0) >= 1,
    );
    const line = logLines.find((l) => l.event === "zone.refused" && l.remote === "127.0.0.2");
    assert.equal(line?.reason, "not allowed");
  });

  it("labels HTTP requests by route pattern and status, never by the URL asked", async () => {
    await fetch(`http://127.0.0.1:${service.http.port}/orders/424242`);
    const { samples } = await scrape();
    const routes = new Set(
      samples.filter((s) => s.name === "decree_http_requests_total").map((s) => s.labels.route),
    );
    assert.ok(routes.has("/orders/:id"), [...routes].join(", "));
    assert.ok(routes.has("/metrics"));
    assert.ok(![...routes].some((route) => route?.includes("424242")));
  });

  it("refuses a scrape without the token, on the HTTP address and on the metrics listener", async () => {
    for (const address of [service.http, service.metrics!]) {
      const response = await fetch(`http://127.0.0.1:${address.port}/metrics`, {
        headers: { authorization: "Bearer not-the-token-at-all" },
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { code: string }).code, "METRICS_TOKEN_INVALID");
    }
    const own = await fetch(`http://127.0.0.1:${service.metrics!.port}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(own.status, 200);
    assert.match(await own.text(), /^# HELP /m);
  });
});
