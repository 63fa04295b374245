import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import dnsPacket from "dns-packet";
import { sql } from "kysely";
import { recordOrder } from "../src/intake/record-order.ts";
import type { TargetKind } from "../src/names/target-kind.ts";
import { buildRelease } from "../src/publish/build-release.ts";
import { publishCheckpoint } from "../src/publish/publish-checkpoint.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { ownersForTarget } from "../src/publish/rpz-records.ts";
import type { Store } from "../src/store/database.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { openStore, sqliteFileName } from "../src/store/open-store.ts";
import { type Daemon, startDaemon } from "./support/daemon.ts";
import { queryMessage, Rcode, rcodeOf, udpExchange } from "./support/dns-wire.ts";
import { freePort } from "./support/free-port.ts";
import { decreeBin } from "./support/run-cli.ts";
import { sampleOrder } from "./support/sample-order.ts";

/** Entries of the registry: large enough that building its next release and logging it take seconds. */
const entries = Number(process.env.DECREE_CRASH_ENTRIES ?? 120_000);
const kills = 5;
const zone = defaultRpzPolicy.zone;

/**
 * The registry, written in bulk (the rows matter here, not the path that wrote them): one order in force, all
 * of its entries proposed, then the first `active` of them approved with their events, published.
 */
async function loadRegistry(store: Store, active: number): Promise<void> {
  const now = new Date();
  const from = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
  const { order } = await recordOrder(
    store,
    sampleOrder({
      targets: ["seed.crash-large.com"],
      decisionDate: from,
      validity: { from, duration: "P5Y" },
    }),
    { actor: "test", now },
  );
  const at = now.toISOString();
  const until = new Date(now.getTime() + 4 * 365 * 86_400_000).toISOString();
  await inTransaction(store.db, async (trx) => {
    await sql`with recursive c(n) as (select 1 union all select n + 1 from c where n < ${sql.lit(entries)})
      insert into targets (order_id, kind, value, input, display, state, valid_from, valid_until, origin,
        created_at, updated_at)
      select ${order.id}, case when n % 2 = 0 then 'domain' else 'fqdn' end, 'crash' || n || '.crash-large.com',
        'crash' || n || '.crash-large.com', 'crash' || n || '.crash-large.com', 'proposed', ${at}, ${until},
        'order', ${at}, ${at}
      from c`.execute(trx);
  });
  await approve(store, sql`state = 'proposed' and id <= ${active + 1}`);
}

/** Approves the proposed targets that `where` selects, with the events a release is built from. */
async function approve(store: Store, where: ReturnType<typeof sql>): Promise<void> {
  const at = new Date().toISOString();
  await inTransaction(store.db, async (trx) => {
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'test', 'target', id, 'target.approved', 'proposed', 'active', 'bulk', '{}'
      from targets where ${where} order by id`.execute(trx);
    await sql`update targets set state = 'active', updated_at = ${at} where ${where}`.execute(trx);
  });
}

/** Suspends the active targets that `where` selects, with their events. */
async function suspend(store: Store, where: ReturnType<typeof sql>): Promise<void> {
  const at = new Date().toISOString();
  await inTransaction(store.db, async (trx) => {
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'test', 'target', id, 'target.suspended', 'active', 'suspended', 'bulk', '{}'
      from targets where ${where} order by id`.execute(trx);
    await sql`update targets set state = 'suspended', updated_at = ${at} where ${where}`.execute(trx);
  });
}

/** What a reader of the store sees: the newest release, whether its zone is whole, and the zone's owners. */
async function state(store: Store) {
  const latest = await store.db
    .selectFrom("releases")
    .selectAll()
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  // The entries' records: the canary record, replaced by every release, counts in no release's record_count.
  const records = await store.db
    .selectFrom("zone_records")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("rtype", "!=", "TXT")
    .executeTakeFirstOrThrow();
  return {
    release: Number(latest.id),
    soaSerial: Number(latest.soa_serial),
    whole: Number(latest.record_count) === Number(records.n),
  };
}

/** The owners the zone must hold: those of every active entry, and only those. */
async function expectedOwners(store: Store): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom("targets")
    .select(["kind", "value"])
    .where("state", "=", "active")
    .execute();
  return new Set(rows.flatMap((row) => ownersForTarget(row.kind as TargetKind, row.value)));
}

async function zoneOwners(store: Store): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom("zone_records")
    .select("owner")
    .where("rtype", "!=", "TXT")
    .distinct()
    .execute();
  return new Set(rows.map((row) => row.owner));
}

function serve(dataDir: string, dnsPort: number): Daemon {
  const args = [decreeBin, "serve", "--data", dataDir, "--dns", `127.0.0.1:${dnsPort}`];
  for (const flag of ["--http", "--stop"]) args.push(flag, "127.0.0.1:0");
  return startDaemon("decree serve", process.execPath, args, dataDir);
}

async function servedSerial(port: number): Promise<number | undefined> {
  const reply = await udpExchange(port, queryMessage(zone, "SOA"), 200);
  if (!reply || rcodeOf(reply) !== Rcode.noError) return undefined;
  const soa = dnsPacket.decode(reply).answers?.find((answer) => answer.type === "SOA");
  return soa?.type === "SOA" ? soa.data.serial : undefined;
}

/**
 * Waits until the store at `file` holds a release past `past`, read as another process would (WAL readers do not
 * block the writer), and returns when it was first seen.
 */
async function committedPast(daemon: Daemon, file: string, past: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 300_000) {
    daemon.assertRunning();
    try {
      const reader = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = reader.prepare("select max(id) as id from releases").get() as { id: number | null };
        if (row.id !== null && row.id > past) return performance.now();
      } finally {
        reader.close();
      }
    } catch {
      // The file is being created or migrated: look again.
    }
    await sleep(5);
  }
  throw new Error(`the store committed no release past ${past}:\n${daemon.output()}`);
}

/** Waits until the primary answers a serial past `past`, and returns it. */
async function servedPast(daemon: Daemon, port: number, past: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 300_000) {
    daemon.assertRunning();
    const serial = await servedSerial(port);
    if (serial !== undefined && serial > past) return serial;
    await sleep(10);
  }
  throw new Error(`the primary served no serial past ${past}:\n${daemon.output()}`);
}

describe(`decree serve killed while it builds a release of ${entries} entries`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-crash-large-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("opens whole every time, loses no approved entry, serves exactly the active entries, and its serial only rises", async (t) => {
    let store = await openStore({ dataDir });
    const firstActive = Math.floor(entries * 0.8);
    await loadRegistry(store, firstActive);
    const first = await buildRelease(store.db, store.dialect, defaultRpzPolicy, new Date());
    assert.ok(first, "the first release");
    // Its log and checkpoint too, as a registry that has run: start-up then goes straight to the next release.
    await publishCheckpoint(store.db, store.dialect, {
      origin: "crash-large.test/log",
      upToEventId: first.eventId,
      releaseId: first.id,
      now: new Date(),
    });
    const before = await state(store);
    // Since that release: the rest approved and a quarter suspended, a diff of some 50,000 entries.
    await approve(store, sql`state = 'proposed'`);
    await suspend(store, sql`state = 'active' and id % 4 = 0`);
    await store.close();

    // How long a start takes to commit the next release, on a copy: the kills fall at random before it. Timed
    // to the commit, not to the first answer: the commit comes early in a start and the rest is serving.
    const copy = mkdtempSync(join(tmpdir(), "decree-crash-large-copy-"));
    let untilCommitted: number;
    try {
      cpSync(dataDir, copy, { recursive: true });
      const dnsPort = await freePort();
      const started = performance.now();
      const daemon = serve(copy, dnsPort);
      try {
        untilCommitted = (await committedPast(daemon, join(copy, sqliteFileName), before.release)) - started;
      } finally {
        await daemon.stop();
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }

    let landed = 0;
    let previous = before;
    for (let kill = 0; kill < kills; kill++) {
      const dnsPort = await freePort();
      const daemon = serve(dataDir, dnsPort);
      // Killed as a power cut would, at a random moment of the start before the release commits: the first kill
      // early, so that one falls before the commit even when this start runs faster than the copy's.
      const upTo = kill === 0 ? 0.4 : 0.8;
      await sleep(Math.floor(untilCommitted * (0.05 + Math.random() * upTo)));
      daemon.child.kill("SIGKILL");
      await new Promise((resolve) =>
        daemon.child.exitCode === null ? daemon.child.once("exit", resolve) : resolve(null),
      );

      store = await openStore({ dataDir });
      try {
        const now = await state(store);
        assert.ok(now.whole, `after kill ${kill + 1}, the newest release's zone is whole`);
        assert.ok(now.soaSerial >= previous.soaSerial, "the serial never went back");
        if (now.release === before.release) landed++;
        previous = now;
      } finally {
        await store.close();
      }
    }
    t.diagnostic(
      `${landed} of ${kills} kills came before the release committed; a start committed its release after ${Math.round(untilCommitted)} ms`,
    );
    assert.ok(landed > 0, "at least one kill came before the release was committed");

    const dnsPort = await freePort();
    const daemon = serve(dataDir, dnsPort);
    try {
      const serial = await servedPast(daemon, dnsPort, before.soaSerial);
      store = await openStore({ dataDir });
      try {
        const now = await state(store);
        assert.ok(now.whole);
        assert.equal(serial, now.soaSerial, "the primary serves the newest release");
        const expected = await expectedOwners(store);
        const served = await zoneOwners(store);
        assert.equal(served.size, expected.size, "as many owners in the zone as the active entries make");
        for (const owner of expected) assert.ok(served.has(owner), `${owner} is in the zone`);
      } finally {
        await store.close();
      }
    } finally {
      await daemon.stop();
    }
  });
});
