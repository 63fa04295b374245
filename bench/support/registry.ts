/**
 * A registry of N active entries for the publication benchmarks, loaded the way bench/import loads a file
 * (addTargets in one transaction), then approved in bulk with the events buildRelease reads, and published as
 * a first release. Also writes the published zone as a master file for the peers (BIND, NSD, Knot).
 */
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import type { AddedTarget, TargetRequest } from "../../src/intake/add-targets.ts";
import { addTargets } from "../../src/intake/add-targets.ts";
import { findOrder } from "../../src/intake/find-order.ts";
import { recordOrder } from "../../src/intake/record-order.ts";
import { buildRelease } from "../../src/publish/build-release.ts";
import { zoneSoa } from "../../src/publish/dns/zone-soa.ts";
import { addOperator } from "../../src/publish/operators.ts";
import type { RpzPolicy } from "../../src/publish/rpz-policy.ts";
import { ZoneSource } from "../../src/publish/zone-source.ts";
import type { Store } from "../../src/store/database.ts";
import { inTransaction } from "../../src/store/in-transaction.ts";
import { openStore } from "../../src/store/open-store.ts";
import { sampleOrder } from "../../test/support/sample-order.ts";
import { suffixes, words } from "./name-parts.ts";

export interface RegistrySetup {
  entries: number;
  /** Zone records of the first release (SOA and NS not counted). */
  records: number;
  serial: number;
  /** Proposed targets (kind domain) left for the benchmark to approve one by one. */
  pending: AddedTarget[];
  /** A name that is in the zone, to see when a secondary has loaded it. */
  probeName: string;
  seconds: { import: number; activate: number; firstRelease: number };
}

export interface RegistryOptions {
  dataDir: string;
  entries: number;
  pending: number;
  policy: RpzPolicy;
  /** Operators to register, so that decree NOTIFYs their secondaries on each release. */
  operators?: Array<{ name: string; notify: string[]; allow: string[] }>;
}

/**
 * Names shaped like bench/import's blocklist, deterministic: every even entry a `domain` (name and `*.name`,
 * two records), every odd one an `fqdn` below a mirror name (one record), so the zone has about 1.5 records
 * an entry.
 */
export function generateRequests(count: number): TargetRequest[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const requests: TargetRequest[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const word = `${words[next() % words.length]}${words[next() % words.length]}`;
    const base = `${word}${i}.${suffixes[next() % suffixes.length]}`;
    const domain = i % 2 === 0;
    requests[i] = { input: domain ? base : `www.${base}`, kind: domain ? "domain" : "fqdn", line: i + 1 };
  }
  return requests;
}

/**
 * An order in force now and for years, whatever the machine's date, so that approvals make entries active.
 */
function orderInForce(caseSuffix: string) {
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  return sampleOrder({
    caseNumber: `RG BENCH/${caseSuffix}/${process.pid}`,
    decisionDate: from,
    validity: { from, duration: "P5Y" },
  });
}

/** Builds the registry in `dataDir` and publishes its first release; the store is closed on return. */
export async function buildRegistry(options: RegistryOptions): Promise<RegistrySetup> {
  const store = await openStore({ dataDir: options.dataDir });
  try {
    const now = new Date();
    const actor = "bench";
    const { order } = await recordOrder(store, orderInForce("entries"), { actor, now });
    let started = performance.now();
    const requests = generateRequests(options.entries);
    const added = await inTransaction(store.db, async (trx) =>
      addTargets(trx, await findOrder(trx, order.id), requests, { actor, now }),
    );
    const importSeconds = seconds(started);
    started = performance.now();
    await activateAllProposed(store, now);
    const activateSeconds = seconds(started);
    const pending = await addPending(store, options.pending, now);
    for (const operator of options.operators ?? []) {
      await addOperator(store.db, { ...operator, tsig: false }, { actor, now });
    }
    started = performance.now();
    const release = await buildRelease(store.db, store.dialect, options.policy, new Date());
    const firstReleaseSeconds = seconds(started);
    if (!release) throw new Error("the first release is empty");
    const probe = added.added.find((target) => target.kind === "domain") ?? added.added[0]!;
    return {
      entries: added.added.length,
      records: release.recordCount,
      serial: release.serial,
      pending,
      probeName: probe.value,
      seconds: { import: importSeconds, activate: activateSeconds, firstRelease: firstReleaseSeconds },
    };
  } finally {
    await store.close();
  }
}

/** What a built registry directory remembers of its build, so that another bench can reuse it. */
interface BuiltRegistry {
  entries: number;
  probeName: string;
  seconds: RegistrySetup["seconds"];
}

const builtFile = "bench-registry.json";

/**
 * The registry in `dataDir` if a bench built it there before with as many entries (its setup is the longest
 * part of a run at 10 M entries, so it is paid once), or a new one built there. A reused registry is as the
 * last bench left it: its serial and records are its latest release's, its pending targets those still
 * proposed, topped up to `pending` on an order of their own.
 */
export async function reuseOrBuildRegistry(
  options: RegistryOptions,
): Promise<RegistrySetup & { reused: boolean }> {
  const marker = join(options.dataDir, builtFile);
  if (!existsSync(marker)) {
    const setup = await buildRegistry(options);
    const built: BuiltRegistry = {
      entries: setup.entries,
      probeName: setup.probeName,
      seconds: setup.seconds,
    };
    writeFileSync(marker, `${JSON.stringify(built)}\n`);
    return { ...setup, reused: false };
  }
  const built = JSON.parse(readFileSync(marker, "utf8")) as BuiltRegistry;
  if (built.entries !== options.entries) {
    throw new Error(
      `${options.dataDir} holds a registry of ${built.entries} entries, not ${options.entries}`,
    );
  }
  const store = await openStore({ dataDir: options.dataDir });
  try {
    const latest = await store.db
      .selectFrom("releases")
      .select(["soa_serial", "record_count"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    // Pending targets are named decree-bench-change-…, on orders of their own (see addPending).
    const proposed = await store.db
      .selectFrom("targets")
      .select(["id", "value", "kind", "state"])
      .where("state", "=", "proposed")
      .where("value", "like", "decree-bench-change-%")
      .orderBy("id")
      .limit(options.pending)
      .execute();
    let pending = proposed as unknown as AddedTarget[];
    if (pending.length < options.pending) {
      pending = [...pending, ...(await addPending(store, options.pending - pending.length, new Date()))];
    }
    return {
      entries: built.entries,
      records: Number(latest.record_count),
      serial: Number(latest.soa_serial),
      pending,
      probeName: built.probeName,
      seconds: built.seconds,
      reused: true,
    };
  } finally {
    await store.close();
  }
}

/**
 * decideTargets resolves and updates targets one by one, which for a million approvals is a setup of its own;
 * the same change is made here in two statements: every proposed target becomes active, and each gets the
 * `proposed → active` event that buildRelease reads to find the owners that changed.
 */
export async function activateAllProposed(store: Store, now: Date): Promise<void> {
  const at = now.toISOString();
  await inTransaction(store.db, async (trx) => {
    await sql`insert into events
        (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select ${at}, 'bench', 'target', id, 'target.approved', 'proposed', 'active', 'bench: bulk approval',
        '{}'
      from targets where state = 'proposed' order by id`.execute(trx);
    await sql`update targets set state = 'active', updated_at = ${at} where state = 'proposed'`.execute(trx);
  });
}

/** The targets the benchmark approves one at a time, on an order of their own. */
export async function addPending(store: Store, count: number, now: Date): Promise<AddedTarget[]> {
  if (count === 0) return [];
  const { order } = await recordOrder(store, orderInForce("changes"), { actor: "bench", now });
  const stamp = `${process.pid}-${now.getTime()}`;
  const requests = Array.from({ length: count }, (_, i) => ({
    input: `decree-bench-change-${i}-${stamp}.com`,
    kind: "domain",
    line: i + 1,
  }));
  const result = await inTransaction(store.db, async (trx) =>
    addTargets(trx, await findOrder(trx, order.id), requests, { actor: "bench", now }),
  );
  return result.added;
}

/**
 * Writes the store's current zone as a master file (RFC 1035 §5) with the same SOA as decree's, so that every
 * peer serves exactly the records decree serves. Returns the number of records written, SOA and NS included.
 */
export async function writeZoneFile(dataDir: string, policy: RpzPolicy, serial: number, path: string) {
  const store = await openStore({ dataDir });
  const out = createWriteStream(path);
  try {
    const soa = zoneSoa(policy, serial);
    const head = [
      `$ORIGIN ${policy.zone}.`,
      `$TTL ${policy.ttl}`,
      `@ SOA ${soa.mname}. ${soa.rname}. ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ` +
        `${soa.minimum}`,
      "@ NS localhost.",
      "",
    ];
    await write(out, head.join("\n"));
    let records = 2;
    for await (const rows of new ZoneSource(store.db).pages(20_000)) {
      let text = "";
      for (const row of rows) text += `${row.owner} ${row.rtype} ${row.rdata}\n`;
      records += rows.length;
      await write(out, text);
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return records;
  } finally {
    out.destroy();
    await store.close();
  }
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => (out.write(text) ? resolve() : out.once("drain", () => resolve())));
}

function seconds(started: number): number {
  return Number(((performance.now() - started) / 1000).toFixed(2));
}
