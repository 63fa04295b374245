import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CompiledQuery, sql } from "kysely";
import { buildApp } from "../src/http/build-app.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { storeScrapeSource } from "../src/observability/store-scrape-source.ts";
import { DelistingFeeds } from "../src/publish/delisting/delisting-feeds.ts";
import { addOperator } from "../src/publish/operators.ts";
import { ReleaseScheduler } from "../src/publish/release-scheduler.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { deliverWebhooks } from "../src/publish/webhooks/deliver-webhooks.ts";
import { ZoneSource } from "../src/publish/zone-source.ts";
import { applyClock } from "../src/registry/apply-clock.ts";
import { applyDueApprovals } from "../src/registry/apply-due-approvals.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { countReviewQueue } from "../src/review/count-review-queue.ts";
import { listReviewQueue } from "../src/review/list-review-queue.ts";
import type { Store } from "../src/store/database.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { acknowledgeRelease } from "../src/verify/acknowledge-release.ts";
import { DnsProber } from "../src/verify/probes/dns-prober.ts";
import { followReleases } from "../src/verify/probes/follow-releases.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { trackDeadlines } from "../src/verify/track-deadlines.ts";
import { freePort } from "./support/free-port.ts";
import { type CapturedQuery, capturingStore } from "./support/query-capture.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";
import { storeEngines } from "./support/stores.ts";

/**
 * Tables that grow with the registry's history (every event, target, release and record ever written): a
 * query on a hot or periodic path must reach them through an index range, never by reading them whole.
 */
const historyTables = new Set([
  "events",
  "targets",
  "releases",
  "release_changes",
  "zone_records",
  "log_leaves",
  "log_tiles",
  "log_commitments",
  "log_checkpoints",
  "acknowledgments",
  "deadlines",
  "deadline_breaches",
  "measurements",
  "enforcements",
  "findings",
  "scheduled_approvals",
  "webhook_deliveries",
  "appeals",
  "target_reports",
]);

/**
 * Columns with a handful of values: an index search constrained on these alone walks a share of the whole
 * table (every target event, every active target), which is a scan by another name.
 */
const fewValued = new Set([
  "subject_type",
  "state",
  "kind",
  "action",
  "op",
  "rtype",
  "from_state",
  "to_state",
]);

/**
 * Reads that are whole by design, each with why: they serve the whole current set, once per release or per
 * client that asks for all of it, streamed, and their cost is the size of what is served, not of history.
 */
const wholeByDesign: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: /from "zone_records"(?![\s\S]*where)/i,
    why: "a full zone transfer or a full feed sends every record of the zone",
  },
  {
    pattern: /from "zone_records" where "owner" > \?/i,
    why: "the zone read in pages by owner for a full transfer",
  },
  {
    pattern: /count\(\*\) as "count" from "targets" group by (?:state \|\| ''|state)$/i,
    why: "targets by state for the metrics, counted on an index at most every 30 s",
  },
];

const realTargets = 400;
const bulkTargets = 100_000;
const fillerEvents = 100_000;
const fillerReleases = 10_000;

/**
 * A registry with years behind it, written in bulk (a plan test needs the rows, not the path that wrote them):
 * 100,000 active entries with their events and zone records, as many events that changed nothing served, and
 * 10,000 old releases, all published. Then, since that last release, what a day brings: a few hundred
 * targets proposed through the real path, most of them approved. Start-up has only those to do.
 */
async function loadRegistry(store: Store): Promise<void> {
  const names = Array.from({ length: realTargets }, (_, i) => `mirror${i}.plans-test.com`);
  await recordOrder(store, sampleOrder({ targets: names }), { actor: "test", now: duringOrder });
  const urls = Array.from({ length: 50 }, (_, i) => `https://plans-delist.com/page${i}`);
  await recordOrder(store, sampleOrder({ targets: urls, measures: ["delist"] }), {
    actor: "test",
    now: duringOrder,
  });
  const at = duringOrder.toISOString();
  await inTransaction(store.db, async (trx) => {
    const offset = realTargets + 100;
    await sql`insert into targets (id, order_id, kind, value, input, display, state, valid_from, valid_until, origin,
        created_at, updated_at)
      select n + ${offset}, 1, 'fqdn', 'bulk' || n || '.plans-test.com', 'bulk' || n || '.plans-test.com',
        'bulk' || n || '.plans-test.com', 'active', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z',
        'order', ${at}, ${at}
      from (${seriesOf(store, bulkTargets)}) as s`.execute(trx);
    if (store.dialect === "postgres") {
      await sql`select setval(pg_get_serial_sequence('targets', 'id'), (select max(id) from targets))`.execute(
        trx,
      );
    }
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'test', 'target', id, 'target.approved', 'proposed', 'active', 'setup', '{}'
      from targets where id > ${offset} order by id`.execute(trx);
    // Events of the kind that pile up for years and change nothing served: reports, checks, proposals.
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'test', 'target', n % ${bulkTargets} + ${offset + 1}, 'target.reported', 'active', 'active',
        null, '{}'
      from (${seriesOf(store, fillerEvents)}) as s`.execute(trx);
    // A few whose validity ends within the month, for the clock to expire.
    await sql`update targets set valid_until = '2026-06-15T00:00:00.000Z'
      where id > ${offset} and id <= ${offset + 50}`.execute(trx);
    await sql`insert into zone_records (owner, rtype, rdata)
      select value, 'CNAME', '.' from targets where id > ${offset}`.execute(trx);
    const last = sql`(select max(id) from events)`;
    await sql`insert into releases (id, serial, soa_serial, created_at, last_event_id, record_count, added, removed)
      select n, n, n, ${at}, ${last}, ${bulkTargets}, 0, 0 from (${seriesOf(store, fillerReleases)}) as s`.execute(
      trx,
    );
    await sql`insert into publish_cursor (id, last_event_id) values (1, ${last})`.execute(trx);
    // Since the last release: most of the day's targets approved, the rest still proposed.
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'test', 'target', id, 'target.approved', 'proposed', 'active', 'setup', '{}'
      from targets where state = 'proposed' and id <= ${realTargets - 100} order by id`.execute(trx);
    await sql`update targets set state = 'active' where state = 'proposed' and id <= ${realTargets - 100}`.execute(
      trx,
    );
  });
  // PostgreSQL's autovacuum keeps statistics; a SQLite store has none unless someone runs ANALYZE, which decree
  // never does: its plans are judged as they are in the field.
  if (store.dialect === "postgres") await sql`analyze`.execute(store.db);
}

/** `select n` for n in 1..count, on either engine. */
function seriesOf(store: Store, count: number) {
  return store.dialect === "postgres"
    ? sql`select generate_series(1, ${sql.lit(count)}) as n`
    : sql`with recursive c(n) as (select 1 union all select n + 1 from c where n < ${sql.lit(count)}) select n from c`;
}

/**
 * The partial indexes of proposed targets (0004, 0028): walking one whole reads the review queue, whose size
 * is what the reviewer has to review, never the registry's history. The review desk's counts and a decision
 * "all matching this filter" walk them. The partial index of the zone's canary record (0031) holds one record
 * whatever the zone's size: walking it whole is bounded too.
 */
const queueIndex = /USING (?:COVERING )?INDEX (?:targets_proposed(?:_\w+)?|zone_records_canary)\b/;
const queueIndexNames = /^(?:targets_proposed(?:_\w+)?|zone_records_canary)$/;

/**
 * The partial index of releases that went to everyone (0030) holds exactly the rows `staged = 0` selects, so a
 * walk of it in key order under a limit stops at its first rows: the newest release everyone gets.
 */
const releasedIndex = /USING (?:COVERING )?INDEX releases_released\b/;

interface PlanProblem {
  path: string;
  sql: string;
  plan: string;
}

async function sqlitePlanProblems(store: Store, query: CapturedQuery): Promise<PlanProblem[]> {
  const { rows } = await store.db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
  );
  const plan = rows.map((row) => row.detail).join("\n");
  const problems: PlanProblem[] = [];
  for (const { detail } of rows) {
    const scan = /^SCAN (\w+)/.exec(detail);
    const search = /^SEARCH (\w+)(?: AS \w+)? USING (?:COVERING )?INDEX \w+ \(([^)]*)\)/.exec(detail);
    const table = scan?.[1] ?? search?.[1];
    if (!table || !historyTables.has(table)) continue;
    if (queueIndex.test(detail)) continue;
    if (scan && releasedIndex.test(detail) && topOfWalk(query.sql, plan)) continue;
    if (scan && !topByKey(query.sql, plan)) problems.push({ path: query.path, sql: query.sql, plan });
    else if (search && weakConstraint(search[2]!)) problems.push({ path: query.path, sql: query.sql, plan });
  }
  return problems;
}

/**
 * SQLite shows a walk of the table in key order that stops after a few rows (`order by id desc limit 1`, the
 * newest release) as a SCAN too: bounded when nothing filters it and no sort stands between it and the limit.
 */
function topByKey(text: string, plan: string): boolean {
  return !/\bwhere\b/i.test(text) && topOfWalk(text, plan);
}

/** A walk in key order that stops at the limit, with no sort between them. */
function topOfWalk(text: string, plan: string): boolean {
  return /order by "(?:\w+"\.")?\w+"(?: desc| asc)? limit \?$/i.test(text) && !/TEMP B-TREE/.test(plan);
}

/** A constraint like `subject_type=?` or `state=? AND kind=?`: only few-valued columns, no range, no key. */
function weakConstraint(constraint: string): boolean {
  const columns = constraint.split(" AND ").map((part) => part.replace(/[=<>].*$/, "").trim());
  return columns.every((column) => fewValued.has(column));
}

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  "Recheck Cond"?: string;
  Filter?: string;
  Plans?: PgPlanNode[];
}

/**
 * PostgreSQL weighs row counts (after ANALYZE): at 100,000 rows it may rightly read a table whole rather than
 * probe an index 1,000 times, where at ten million it would not. So the question put to it is whether an index
 * range can bound the query at all: with sequential scans priced out, a Seq Scan that remains, or an index
 * walked without a condition, means no index serves it at any size. Only the tables loaded big are judged
 * here; on the others the planner walks an index whole as a stand-in for a scan, and SQLite's plan (whose
 * planner picks an index whenever one applies) judges them.
 */
async function postgresPlanProblems(
  store: Store,
  query: CapturedQuery,
  big: Set<string>,
): Promise<PlanProblem[]> {
  const rows = await store.db.connection().execute(async (connection) => {
    await sql`set enable_seqscan = off`.execute(connection);
    try {
      const result = await connection.executeQuery<{ "QUERY PLAN": Array<{ Plan: PgPlanNode }> }>(
        CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
      );
      return result.rows;
    } finally {
      await sql`reset enable_seqscan`.execute(connection);
    }
  });
  const root = rows[0]!["QUERY PLAN"][0]!.Plan;
  const problems: PlanProblem[] = [];
  const visit = (node: PgPlanNode, underLimit: boolean) => {
    const table = node["Relation Name"];
    const type = node["Node Type"];
    // A bitmap scan names its table on the heap node, and the index's condition as its Recheck Cond.
    const condition = type === "Bitmap Heap Scan" ? node["Recheck Cond"] : node["Index Cond"];
    // Proposed targets are the review queue, whichever index PostgreSQL reads them by.
    const queue =
      queueIndexNames.test(node["Index Name"] ?? "") ||
      (table === "targets" && condition === "(state = 'proposed'::text)");
    if (table && historyTables.has(table) && big.has(table) && !queue) {
      const indexed = type === "Index Scan" || type === "Index Only Scan";
      const unbounded =
        type === "Seq Scan" ||
        ((indexed || type === "Bitmap Heap Scan") &&
          (condition === undefined
            ? !(indexed && underLimit && node.Filter === undefined)
            : weakPgCondition(condition)));
      if (unbounded) problems.push({ path: query.path, sql: query.sql, plan: JSON.stringify(root) });
    }
    for (const child of node.Plans ?? []) visit(child, type === "Limit");
  };
  visit(root, false);
  return problems;
}

/** `(subject_type = 'target'::text)`: an index condition on few-valued columns alone. */
function weakPgCondition(condition: string): boolean {
  const columns = [...condition.matchAll(/\(?(?:\w+\.)?(\w+) (?:=|<|>|<=|>=|= ANY)/g)].map((m) => m[1]!);
  return columns.length > 0 && columns.every((column) => fewValued.has(column));
}

/** The scans and index walks of a plan, without its costs. */
function planSummary(plan: string): string {
  if (!plan.startsWith("{")) return plan;
  return [
    ...plan.matchAll(
      /"Node Type":"([^"]+)"(?:[^{}]*?"Index Name":"([^"]+)")?[^{}]*?"Relation Name":"([^"]+)"(?:[^{}]*?"Index Cond":"([^"]*)")?/g,
    ),
  ]
    .map((m) => `${m[1]} ${m[3]}${m[2] ? ` ${m[2]}` : ""}${m[4] ? ` ${m[4]}` : ""}`)
    .join("; ");
}

/** The statements worth planning: reads and writes with a WHERE; not DDL, locks or inserts of values. */
function plannable(query: CapturedQuery): boolean {
  const text = query.sql.replace(/^\/\*.*?\*\/\s*/, "").trimStart();
  if (!/^(select|update|delete|with|insert into [^(]+\([^)]*\) select)/i.test(text)) return false;
  if (/^insert/i.test(text) && !/\bselect\b/i.test(text)) return false;
  return !wholeByDesign.some(({ pattern }) => pattern.test(text));
}

for (const engine of storeEngines) {
  describe(`the queries of hot and periodic paths on ${engine.name}`, () => {
    let opened: Awaited<ReturnType<typeof engine.open>>;
    let captured: ReturnType<typeof capturingStore>;
    const dataDir = mkdtempSync(join(tmpdir(), "decree-plans-"));

    before(async () => {
      opened = await engine.open();
      await loadRegistry(opened.store);
      captured = capturingStore(opened.store);
    });
    after(async () => {
      await opened.store.close().catch(() => {});
      await opened.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("use a bounded index range on every table that grows with history, as the engine plans them", async () => {
      const { store, during } = captured;
      const now = () => duringOrder;
      const scheduler = new ReleaseScheduler({
        db: store.db,
        dialect: store.dialect,
        policy: defaultRpzPolicy,
        now,
        logOrigin: "plans.test/log",
      });
      // Start-up on a registry with history: the first release, its checkpoint, the log sequenced.
      await during("start-up", () => scheduler.start());
      await addOperator(
        store.db,
        { name: "isp-plans", notify: [], allow: ["127.0.0.1"], tsig: false },
        { actor: "test", now: duringOrder },
      );
      await addResolver(
        store.db,
        { operator: "isp-plans", address: `127.0.0.1:${await freePort()}` },
        { actor: "test", now: duringOrder },
      );
      const pending = await store.db
        .selectFrom("targets")
        .select("id")
        .where("state", "=", "proposed")
        .orderBy("id")
        .limit(3)
        .execute();
      const prober = new DnsProber({ timeoutMs: 50, retries: 0 });
      const probe = () => followReleases(store, { stopPage: [], prober, now: duringOrder, minIntervalMs: 0 });
      // The probes follow releases from the newest one they have seen: seen now, the next ones are probed.
      await during("probes", probe);
      const url = await store.db
        .selectFrom("targets")
        .select("id")
        .where("kind", "=", "url")
        .where("state", "=", "proposed")
        .orderBy("id")
        .limit(1)
        .executeTakeFirstOrThrow();
      // An approval and the release it makes, as after every decision; then a URL's, which changes only the
      // search engines' de-listing list.
      await during("release", async () => {
        await decideTargets(store, {
          decision: "approve",
          refs: [String(url.id)],
          reason: "plans",
          actor: "test",
          now: duringOrder,
        });
        scheduler.poke();
        await scheduler.settled();
        await decideTargets(store, {
          decision: "approve",
          refs: [String(pending[0]!.id)],
          reason: "plans",
          actor: "test",
          now: duringOrder,
        });
        scheduler.poke();
        await scheduler.settled();
        // The name just released, probed at the operator's resolver while it is in the zone.
        await during("probes", async () => {
          await probe();
          await probe();
        });
        await decideTargets(store, {
          decision: "suspend",
          refs: [String(pending[0]!.id)],
          reason: "plans",
          actor: "test",
          now: duringOrder,
        });
        scheduler.poke();
        await scheduler.settled();
      });
      await scheduler.stop();
      const latest = await store.db
        .selectFrom("releases")
        .select(["id", "serial", "soa_serial"])
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirstOrThrow();
      await during("clock", async () => {
        await inTransaction(store.db, (trx) => applyClock(trx, duringOrder));
        await inTransaction(store.db, (trx) => applyClock(trx, new Date("2026-07-01T00:00:00Z")));
      });
      await during("approvals", () => applyDueApprovals(store, duringOrder));
      const organisation = await opened.store.db
        .insertInto("organisations")
        .values({ name: "Orange", created_at: duringOrder.toISOString() })
        .onConflict((conflict) => conflict.column("name").doNothing())
        .execute()
        .then(() =>
          opened.store.db
            .selectFrom("organisations")
            .select("id")
            .where("name", "=", "Orange")
            .executeTakeFirstOrThrow(),
        );
      await during("acknowledgment", () =>
        acknowledgeRelease(store, Number(latest.serial), {
          organisationId: Number(organisation.id),
          actor: "test",
          now: duringOrder,
        }),
      );
      await during("deadlines", async () => {
        await trackDeadlines(store, duringOrder);
        await trackDeadlines(store, new Date("2026-07-01T00:00:00Z"));
      });
      await during("metrics scrape", async () => {
        const source = storeScrapeSource(store, 0);
        await source.currentSerial();
        await source.releasesAfter(Number(latest.soa_serial) - 5);
        await source.releasesAfter(1);
        await source.targetsByState();
      });
      await during("dns primary", async () => {
        const zone = new ZoneSource(store.db, "soa");
        await zone.version();
        await zone.lookup("mirror7.plans-test.com");
        await zone.stepsSince(Number(latest.soa_serial) - 1, 1_000_000);
        await zone.stepsSince(Number(latest.soa_serial) - 2, 1_000_000);
      });
      await during("probes", async () => {
        await probe();
        await probe();
      });
      await during("webhooks", () => deliverWebhooks(store, { now: duringOrder }));
      await during("review queue", async () => {
        const filters = [
          {},
          { orderId: 1 },
          { kind: "fqdn" as const },
          { codes: ["DNS_SNAPSHOT_SKIPPED" as const] },
          { severities: ["review" as const, "none" as const] },
          { orderId: 1, kind: "domain" as const, confirmed: true },
        ];
        for (const filter of filters) {
          const page = await listReviewQueue(store.db, { ...filter, limit: 100 });
          await listReviewQueue(store.db, { ...filter, after: page.at(-1)?.id ?? 0, limit: 100 });
          await countReviewQueue(store.db, filter);
        }
      });
      const app = await buildApp({ store, now, dataDir });
      try {
        await during("feeds", async () => {
          for (const url of [
            "/feeds/json",
            `/feeds/json?since=${Number(latest.serial) - 1}`,
            `/feeds/rpz?since=${Number(latest.serial) - 2}`,
            "/delisting/json",
            `/delisting/json?since=${Number(latest.serial) - 1}`,
          ]) {
            const response = await app.inject({ method: "GET", url });
            assert.equal(response.statusCode, 200, `${url}: ${response.body.slice(0, 300)}`);
          }
        });
      } finally {
        await app.close();
      }
      await during("de-listing", async () => {
        const feeds = new DelistingFeeds({ db: store.db, dataDir });
        await feeds.current();
      });

      const seen = new Map<string, CapturedQuery>();
      for (const query of captured.queries) {
        if (query.path === "setup") continue;
        const key = `${query.path}\n${query.sql}`;
        if (!seen.has(key)) seen.set(key, query);
      }
      const paths = new Set([...seen.values()].map((q) => q.path));
      for (const path of [
        "start-up",
        "release",
        "clock",
        "deadlines",
        "metrics scrape",
        "dns primary",
        "feeds",
        "review queue",
      ])
        assert.ok(paths.has(path), `the ${path} path ran queries`);
      const big = new Set<string>();
      if (engine.name === "postgres") {
        // As autovacuum would have by now: the planner knows the rows the paths above wrote.
        await sql`analyze`.execute(opened.store.db);
        const { rows } = await sql<{ relname: string }>`select relname from pg_class
          where relkind = 'r' and reltuples >= 10000`.execute(opened.store.db);
        for (const row of rows) big.add(row.relname);
      }
      assert.ok(
        [...seen.values()].some((q) => q.path === "probes" && q.sql.includes('insert into "measurements"')),
        "the probes asked a resolver about a name a release added, and recorded what it saw",
      );
      assert.ok(
        [...seen.values()].some((q) => q.path === "release" && q.sql.includes('from "targets" as "t"')),
        "the release of a URL asked whether the de-listing list changed",
      );
      const problems: PlanProblem[] = [];
      for (const query of seen.values()) {
        if (!plannable(query)) continue;
        problems.push(
          ...(engine.name === "sqlite"
            ? await sqlitePlanProblems(opened.store, query)
            : await postgresPlanProblems(opened.store, query, big)),
        );
      }
      // The judge itself: a read of every event of a kind, and a filter no index serves, are caught.
      const judged = async (text: string) =>
        (engine.name === "sqlite"
          ? await sqlitePlanProblems(opened.store, { path: "judge", sql: text, parameters: ["target"] })
          : await postgresPlanProblems(
              opened.store,
              { path: "judge", sql: text.replaceAll("?", "$1"), parameters: ["target"] },
              big,
            )
        ).length;
      assert.equal(await judged(`select count(*) from "events" where "subject_type" = ?`), 1);
      assert.equal(await judged(`select "id" from "events" where "actor" = ? order by "id" desc limit 1`), 1);
      assert.equal(
        await judged(`select "id" from "events" where "id" > 1000 and "id" <= 2000 and "actor" = ?`),
        0,
      );
      if (engine.name === "sqlite") {
        // Without statistics SQLite takes the subject index over the key's range: every target event ever.
        assert.equal(await judged(`select "id" from "events" where "id" > 199000 and "subject_type" = ?`), 1);
      }
      assert.deepEqual(
        problems.map(
          (p) =>
            `[${p.path}] ${p.sql.slice(0, 400)}\n  ${process.env.PLANS_FULL ? p.plan : planSummary(p.plan)}`,
        ),
        [],
        "every query on these paths reaches the tables that grow with history through a bounded index range",
      );
    });
  });
}
