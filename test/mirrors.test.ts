import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/http/build-app.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { listReviewQueue } from "../src/review/list-review-queue.ts";
import { mapLimited } from "../src/verify/map-limited.ts";
import { collectSiteEvidence, type SiteEvidence } from "../src/verify/mirrors/collect-site-evidence.ts";
import { discoverMirrors } from "../src/verify/mirrors/discover-mirrors.ts";
import { runMirrorDiscovery } from "../src/verify/mirrors/run-mirror-discovery.ts";
import { type MirrorScore, scoreMirror } from "../src/verify/mirrors/score-mirror.ts";
import { type SiteSettings, siteSettings } from "../src/verify/mirrors/site-settings.ts";
import { tokenFor } from "./support/accounts.ts";
import { describeEachEngine } from "./support/each-engine.ts";
import { type MirrorFarm, startMirrorFarm } from "./support/mirror-farm.ts";
import type { LabelledPair } from "./support/mirror-farm-sites.ts";
import { runCli } from "./support/run-cli.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";

let farm: MirrorFarm;
let settings: SiteSettings;

before(async () => {
  farm = await startMirrorFarm();
  settings = siteSettings(farm.resolver, {
    allowPrivate: true,
    httpPort: farm.httpPort,
    httpsPort: farm.httpsPort,
  });
});
after(async () => {
  await farm?.stop();
});

describe("mirror evidence and scores on the loopback farm", () => {
  const originals = new Map<string, SiteEvidence>();
  const scored: Array<{ pair: LabelledPair; score: MirrorScore; evidence: SiteEvidence }> = [];

  before(async () => {
    for (const name of farm.plan.originals) originals.set(name, await collectSiteEvidence(name, settings));
    scored.push(
      ...(await mapLimited(farm.plan.pairs, 8, async (pair) => {
        const evidence = await collectSiteEvidence(pair.candidate, settings);
        return { pair, evidence, score: scoreMirror(originals.get(pair.original)!, evidence) };
      })),
    );
  });

  it("labels at least 200 pages with precision of at least 0.95 and recall of at least 0.90", () => {
    assert.ok(scored.length >= 200, `${scored.length} labelled pages`);
    const proposed = scored.filter((s) => s.score.verdict === "mirror");
    const right = proposed.filter((s) => s.pair.mirror).length;
    const precision = right / proposed.length;
    const recall = right / scored.filter((s) => s.pair.mirror).length;
    assert.ok(precision >= 0.95, `precision ${precision}`);
    assert.ok(recall >= 0.9, `recall ${recall}`);
  });

  it("proposes none of the lawful look-alikes: cinemas, film news, parked names, the same CMS template", () => {
    const wrong = scored.filter((s) => !s.pair.mirror && s.score.verdict === "mirror");
    assert.deepEqual(
      wrong.map((s) => `${s.pair.kind} ${s.pair.candidate}: ${s.score.explanation}`),
      [],
    );
    const kinds = new Set(scored.filter((s) => !s.pair.mirror).map((s) => s.pair.kind));
    assert.deepEqual([...kinds].sort(), ["cinema", "cms-template", "news", "other-pirate", "parked"]);
  });

  it("catches every kind of change a mirror makes: a new skin, shuffled sections, new ad ids, a redirect", () => {
    for (const kind of ["copy", "new-skin", "shuffled", "new-ads", "drifted", "redirect"]) {
      const ofKind = scored.filter((s) => s.pair.kind === kind);
      assert.ok(ofKind.length > 0, kind);
      const caught = ofKind.filter((s) => s.score.verdict === "mirror").length;
      assert.ok(caught / ofKind.length >= 0.8, `${kind}: ${caught} of ${ofKind.length}`);
    }
  });

  it("explains a verdict with the signals that matched, in plain words", () => {
    const copy = scored.find((s) => s.pair.kind === "copy" && s.pair.original === "allostreaming.com")!;
    assert.match(copy.score.explanation, /^mirror \(score \d\.\d\d\): same page text \(\d+% of phrases\)/);
    assert.match(copy.score.explanation, /same video player host \(player\.uqvid\.example\)/);
    const parked = scored.find((s) => s.pair.kind === "parked")!;
    assert.match(parked.score.explanation, /^not a mirror .*similar name.*page text differs/);
    const sum = copy.score.signals.reduce((total, s) => total + s.points, 0);
    assert.equal(copy.score.score, Math.min(1, Math.round(sum * 1000) / 1000));
  });

  it("records DNS (A, NS, MX), the TLS certificate's names and issuer, and the favicon's hash", () => {
    const original = originals.get("allostreaming.com")!;
    assert.deepEqual(original.dns.a, ["127.0.1.1"]);
    assert.ok(original.dns.ns.includes("ns1.bulletproof-0.example"));
    assert.deepEqual(original.dns.mx, ["mx.bulletproof-0.example"]);
    assert.ok(original.tls?.altNames.includes("allostreaming.com"));
    assert.match(original.tls?.issuer ?? "", /Farm CA allostreaming/);
    assert.match(original.favicon?.sha256 ?? "", /^[0-9a-f]{64}$/);
    const sharedCert = scored.find(
      (s) => s.pair.original === "allostreaming.com" && s.evidence.tls !== null && s.pair.mirror,
    )!;
    assert.ok(sharedCert.score.signals.find((s) => s.signal === "same-certificate")?.matched);
  });

  it("follows a mirror's redirect, HTTP or meta refresh, and keeps every hop", () => {
    const redirects = scored.filter((s) => s.pair.kind === "redirect");
    for (const { evidence, pair } of redirects) {
      const final = new URL(evidence.fetch.finalUrl!).hostname;
      assert.notEqual(final, pair.candidate);
      assert.ok(evidence.fetch.hops.length >= 2);
    }
    assert.ok(redirects.some((s) => s.evidence.fetch.hops.some((hop) => hop.via === "meta-refresh")));
    assert.ok(redirects.some((s) => s.evidence.fetch.hops.some((hop) => hop.status === 301)));
  });

  it("refuses the farm's loopback addresses when private addresses are not allowed", async () => {
    const refused = await collectSiteEvidence("allostreaming.com", { ...settings, allowPrivate: false });
    assert.match(refused.fetch.refused ?? "", /127\.0\.1\.1 is not a public address \(Loopback/);
    assert.equal(refused.page, null);
    assert.ok(!farm.requests.has("refused-never-asked"));
  });
});

describeEachEngine("mirror discovery under an order", (store) => {
  const actor = "test:mirrors";
  const now = () => duringOrder;

  it("queues the generated-name mirrors for review with their evidence, and none of the look-alikes", async () => {
    const { order } = await recordOrder(
      store(),
      sampleOrder({ extendsToMirrors: true, targets: ["allostreaming.com", "dpstream.tv"] }),
      { actor, now: duringOrder },
    );
    const checkSettings = { checkResolver: farm.resolver };
    const run = await discoverMirrors(store(), order, settings, { actor, now, checkSettings });
    const queued = new Set(run.candidates.filter((c) => c.state === "queued").map((c) => c.name));
    for (const blocked of ["allostreaming.com", "dpstream.tv"]) {
      const expected = farm.plan.discoverable[blocked]!;
      for (const mirror of expected.mirrors) assert.ok(queued.has(mirror), `${mirror} was not queued`);
      for (const lookalike of expected.lookalikes)
        assert.ok(!queued.has(lookalike), `${lookalike} was queued`);
    }
    const weighedLookalike = run.candidates.find((c) => c.name === "allostreaming.org");
    assert.equal(weighedLookalike?.state, "below-threshold");
    assert.equal(run.progress.queued, queued.size);
    assert.ok(run.progress.generated > 1000 && run.progress.resolved < 100, JSON.stringify(run.progress));

    const review = await listReviewQueue(store().db, { orderId: order.id, limit: 1000 });
    const mirrors = review.filter((t) => t.origin === "mirror");
    assert.equal(mirrors.length, queued.size);
    const one = mirrors.find((t) => t.value === "allostreaming.net")!;
    const evidence = one.findings.find((f) => f.check === "mirror-evidence")!;
    assert.equal(evidence.code, "MIRROR_EVIDENCE");
    assert.match(evidence.message, /compared with allostreaming\.com: mirror \(score/);
    assert.equal((evidence.evidence as { captureSha256: string }).captureSha256.length, 64);
    // The safeguards ran on it like on any target: the DNS snapshot is one of their findings.
    assert.ok(one.findings.some((f) => f.check === "dns-snapshot" && f.code === "DNS_SNAPSHOT"));

    const stored = await store()
      .db.selectFrom("mirror_runs")
      .selectAll()
      .where("id", "=", run.runId)
      .execute();
    assert.equal(stored[0]?.state, "done");
    assert.equal(JSON.parse(stored[0]!.progress).queued, queued.size);

    const again = await discoverMirrors(store(), order, settings, { actor, now });
    assert.equal(again.progress.fetched, 0, "names weighed once are not weighed again");
  });

  it("stops at its fetch limit and says so", async () => {
    const { order } = await recordOrder(
      store(),
      sampleOrder({ extendsToMirrors: true, targets: ["fifostream.com"] }),
      { actor, now: duringOrder },
    );
    const run = await discoverMirrors(store(), order, settings, { actor, now, limits: { fetches: 3 } });
    assert.equal(run.progress.fetched, 3);
    assert.equal(run.progress.limited, "fetches");
  });

  it("runs as a scheduled job: captures a new order's blocked sites at once, discovers once per interval", async () => {
    const { order } = await recordOrder(
      store(),
      sampleOrder({ extendsToMirrors: true, targets: ["alloshowtv.com"] }),
      { actor, now: duringOrder },
    );
    const job = { now: duringOrder, intervalMs: 3_600_000, limits: { fetches: 40 } };
    const first = await runMirrorDiscovery(store(), settings, job);
    assert.ok(first.captured.includes(order.id));
    const mine = first.runs.find((run) => run.orderId === order.id)!;
    const queued = mine.candidates.filter((c) => c.state === "queued").map((c) => c.name);
    for (const mirror of farm.plan.discoverable["alloshowtv.com"]!.mirrors)
      assert.ok(queued.includes(mirror), mirror);
    const captures = await store()
      .db.selectFrom("site_captures")
      .select(["name", "sha256"])
      .where("order_id", "=", order.id)
      .where("role", "=", "original")
      .execute();
    assert.deepEqual(
      captures.map((c) => c.name),
      ["alloshowtv.com"],
    );
    const soon = await runMirrorDiscovery(store(), settings, {
      ...job,
      now: new Date(duringOrder.getTime() + 60_000),
    });
    assert.equal(soon.captured.includes(order.id), false);
    assert.equal(
      soon.runs.some((run) => run.orderId === order.id),
      false,
    );
  });

  it("refuses to look for mirrors under an order that does not extend to them", async () => {
    const { order } = await recordOrder(store(), sampleOrder({ targets: ["alloshowtv.com"] }), {
      actor,
      now: duringOrder,
    });
    await assert.rejects(discoverMirrors(store(), order, settings, { actor, now }), {
      code: "TARGET_MIRROR_NOT_ALLOWED",
    });
    const runs = await store()
      .db.selectFrom("mirror_runs")
      .selectAll()
      .where("order_id", "=", order.id)
      .execute();
    assert.equal(runs.length, 0);
  });
});

describeEachEngine("suspected mirrors over the API", (store) => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder, mirrorSettings: settings });
  });
  after(async () => {
    await app?.close();
  });

  it("queues an applicant's suspected mirror with its evidence, strong or weak, in the authority's queue", async () => {
    const applicant = (await tokenFor(store(), "applicant")).token;
    const authority = (await tokenFor(store(), "authority")).token;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(applicant),
      payload: sampleOrder({ extendsToMirrors: true, targets: ["dpstream.tv"] }),
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const orderId = submitted.json().order.id as number;
    const hidden = farm.plan.pairs.find(
      (p) => p.original === "dpstream.tv" && p.mirror && p.kind === "new-skin",
    )!;
    const cinema = farm.plan.pairs.find((p) => p.original === "dpstream.tv" && p.kind === "cinema")!;

    const strong = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors`,
      headers: bearer(applicant),
      payload: { name: hidden.candidate },
    });
    assert.equal(strong.statusCode, 201, strong.body);
    assert.equal(strong.json().verdict, "mirror");
    const weak = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors`,
      headers: bearer(applicant),
      payload: { name: cinema.candidate },
    });
    assert.equal(weak.statusCode, 201, weak.body);
    assert.equal(weak.json().verdict, "not-mirror");

    const queue = await app.inject({ url: `/review/queue?order=${orderId}`, headers: bearer(authority) });
    const targets = queue.json().targets as Array<{
      value: string;
      origin: string;
      findings: Array<{ code: string; severity: string }>;
    }>;
    const strongTarget = targets.find((t) => t.value === hidden.candidate)!;
    assert.equal(strongTarget.origin, "mirror");
    assert.ok(strongTarget.findings.some((f) => f.code === "MIRROR_EVIDENCE" && f.severity === "info"));
    const weakTarget = targets.find((t) => t.value === cinema.candidate)!;
    assert.ok(weakTarget.findings.some((f) => f.code === "MIRROR_WEAK_EVIDENCE" && f.severity === "review"));

    const listed = await app.inject({ url: `/orders/${orderId}/mirrors`, headers: bearer(authority) });
    const candidates = listed.json().candidates as Array<{ id: number; name: string; source: string }>;
    assert.deepEqual(
      candidates.map((c) => [c.name, c.source]),
      [
        [hidden.candidate, "applicant"],
        [cinema.candidate, "applicant"],
      ],
    );
    const detail = await app.inject({
      url: `/mirrors/candidates/${candidates[0]!.id}`,
      headers: bearer(authority),
    });
    assert.equal(detail.statusCode, 200, detail.body);
    assert.equal(detail.json().evidence.original.site.name, "dpstream.tv");
    assert.match(detail.json().evidence.candidate.sha256, /^[0-9a-f]{64}$/);
    const forbidden = await app.inject({ url: `/orders/${orderId}/mirrors`, headers: bearer(applicant) });
    assert.equal(forbidden.statusCode, 403);
  });

  it("lets the authority capture the blocked sites again and run discovery now", async () => {
    const authority = { authorization: `Bearer ${(await tokenFor(store(), "authority")).token}` };
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: authority,
      payload: sampleOrder({ extendsToMirrors: true, targets: ["alloshowtv.com"] }),
    });
    const orderId = submitted.json().order.id as number;
    const captured = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors/capture`,
      headers: authority,
    });
    assert.equal(captured.statusCode, 200, captured.body);
    assert.deepEqual(
      captured.json().captures.map((c: { name: string }) => c.name),
      ["alloshowtv.com"],
    );
    const run = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors/discover`,
      headers: authority,
    });
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().progress.queued, farm.plan.discoverable["alloshowtv.com"]!.mirrors.length);
    const runs = await app.inject({ url: `/orders/${orderId}/mirrors/runs`, headers: authority });
    assert.deepEqual(
      runs
        .json()
        .runs.map((r: { state: string; progress: { queued: number } }) => [r.state, r.progress.queued]),
      [["done", run.json().progress.queued]],
    );
    const again = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors/capture`,
      headers: authority,
    });
    assert.notEqual(
      again.json().captures[0].id,
      captured.json().captures[0].id,
      "captured anew, the old one kept",
    );
  });

  it("refuses a suspected mirror under an order that does not extend to mirrors, storing nothing", async () => {
    const applicant = (await tokenFor(store(), "applicant")).token;
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: { authorization: `Bearer ${applicant}` },
      payload: sampleOrder({ targets: ["fifostream.com"] }),
    });
    const orderId = submitted.json().order.id as number;
    const refused = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/mirrors`,
      headers: { authorization: `Bearer ${applicant}` },
      payload: { name: "fifostream.net" },
    });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, "TARGET_MIRROR_NOT_ALLOWED");
    const rows = await store()
      .db.selectFrom("site_captures")
      .select("id")
      .where("order_id", "=", orderId)
      .execute();
    assert.equal(rows.length, 0);
  });
});

describe("decree mirrors check", () => {
  it("prints each candidate's score, verdict and matched signals as JSON", async () => {
    const mirror = farm.plan.pairs.find((p) => p.original === "fifostream.com" && p.kind === "shuffled")!;
    const parked = farm.plan.pairs.find((p) => p.original === "fifostream.com" && p.kind === "parked")!;
    const result = await runCli([
      "mirrors",
      "check",
      "fifostream.com",
      mirror.candidate,
      parked.candidate,
      "--json",
      "--resolver",
      `${farm.resolver.host}:${farm.resolver.port}`,
      "--allow-private",
      "--http-port",
      String(farm.httpPort),
      "--https-port",
      String(farm.httpsPort),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      original: string;
      candidates: Array<{ candidate: string; score: number; verdict: string; matchedSignals: string[] }>;
    };
    assert.equal(out.original, "fifostream.com");
    assert.equal(out.candidates[0]?.verdict, "mirror");
    assert.ok(out.candidates[0]?.matchedSignals.includes("same-text"));
    assert.equal(out.candidates[1]?.verdict, "not-mirror");
  });

  it("discovers an order's mirrors once and queues them, from an order file recorded with the command", async () => {
    const dir = mkdtempSync(join(tmpdir(), "decree-mirrors-cli-"));
    try {
      const order = {
        ...sampleOrder({ extendsToMirrors: true, targets: ["fifostream.com"] }),
        validity: { from: "2026-01-01", duration: "P5Y" },
      };
      writeFileSync(join(dir, "order.json"), JSON.stringify(order));
      const cli = (...args: string[]) => runCli(["--data", join(dir, "data"), "--json", ...args]);
      const added = await cli("orders", "add", join(dir, "order.json"));
      assert.equal(added.code, 0, added.stderr);
      const id = String(JSON.parse(added.stdout).order.id);
      const farmFlags = [
        "--resolver",
        `${farm.resolver.host}:${farm.resolver.port}`,
        "--allow-private",
        "--http-port",
        String(farm.httpPort),
        "--https-port",
        String(farm.httpsPort),
      ];
      const run = await cli("mirrors", "discover", id, ...farmFlags);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout) as {
        progress: { queued: number };
        candidates: Array<{ name: string; state: string }>;
      };
      const queued = out.candidates.filter((c) => c.state === "queued").map((c) => c.name);
      for (const mirror of farm.plan.discoverable["fifostream.com"]!.mirrors)
        assert.ok(queued.includes(mirror), mirror);
      const listed = await cli("mirrors", "list", id, "--state", "queued");
      assert.equal(JSON.parse(listed.stdout).candidates.length, out.progress.queued);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses with MIRROR_RESOLVER_MISSING when no resolver is given or configured", async () => {
    const result = await runCli(["mirrors", "check", "a.example", "b.example", "--json"], {
      DECREE_CHECK_RESOLVER: "",
      DECREE_MIRROR_RESOLVER: "",
    });
    assert.equal(result.code, 1);
    assert.equal(JSON.parse(result.stdout).error.code, "MIRROR_RESOLVER_MISSING");
  });

  it("exits 2 on a wrong command line", async () => {
    const result = await runCli(["mirrors", "check", "only-one.example"]);
    assert.equal(result.code, 2);
  });
});
