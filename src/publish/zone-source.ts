import { type Kysely, sql } from "kysely";
import type { Database } from "../store/database.ts";
import type { ZoneRecord } from "./rpz-records.ts";

export interface ZoneVersion {
  /** The release number; 0 before the first release. */
  releaseId: number;
  /** The release's serial as this source names it (see `ZoneSerials`); 0 before the first release. */
  serial: number;
}

/**
 * Which serial a source speaks: `release`, the release number modulo 2^32 that feeds and acknowledgments use,
 * or `soa`, the zone's SOA serial that DNS uses (SOA, IXFR journal, NOTIFY).
 */
export type ZoneSerials = "release" | "soa";

export interface ZoneSnapshot extends ZoneVersion {
  records: ZoneRecord[];
}

/** One release's change to the zone, as IXFR sends it (RFC 1995 §4): what it deleted, then what it added. */
export interface ZoneStep {
  fromSerial: number;
  toSerial: number;
  removed: ZoneRecord[];
  added: ZoneRecord[];
}

/** One release's journal, named by its release number: what a copy of the zone in memory applies. */
export interface ReleaseStep {
  releaseId: number;
  /** The release's serial as this source names it. */
  serial: number;
  removed: ZoneRecord[];
  added: ZoneRecord[];
}

const page = 5000;
/** Journal rows read at once when the reader pauses between reads (`releasesAfter`). */
const journalPage = 5000;

/** The published zone as the DNS primary and the feeds read it: always whole releases. */
export class ZoneSource {
  private readonly column: "serial" | "soa_serial";

  constructor(
    private readonly db: Kysely<Database>,
    readonly serials: ZoneSerials = "release",
  ) {
    this.column = serials === "soa" ? "soa_serial" : "serial";
  }

  /**
   * The newest release every operator gets: staged releases (rollout/) go to canaries first, and everyone
   * else stays at this one until the rollout is promoted.
   */
  async releasedVersion(): Promise<ZoneVersion> {
    const latest = await this.db
      .selectFrom("releases")
      .select(["id", `${this.column} as serial`])
      .where("staged", "=", 0)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return { releaseId: Number(latest?.id ?? 0), serial: Number(latest?.serial ?? 0) };
  }

  /**
   * The steps from `serial` to `upTo` as a client that never gets staged releases sees them: each step ends at
   * a released release and folds in the journals of the staged ones before it (RFC 1995 §4 lets a primary
   * send a condensed history), so such a client never sees an entry withheld from it, not even in passing.
   * Null when `serial` is no released release in the journal (the caller sends the whole zone).
   */
  async releasedStepsSince(
    serial: number,
    maxRecords: number,
    upTo: ZoneVersion,
  ): Promise<{ version: ZoneVersion; steps: ZoneStep[] } | null> {
    const from = await this.db
      .selectFrom("releases")
      .select(["id", "staged"])
      .where(this.column, "=", serial)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!from || Number(from.staged) !== 0 || Number(from.id) > upTo.releaseId) return null;
    const linear = await this.stepsSince(serial, maxRecords, upTo);
    if (!linear) return null;
    const released = new Set(
      (
        await this.db
          .selectFrom("releases")
          .select("id")
          .where("id", ">", Number(from.id))
          .where("id", "<=", upTo.releaseId)
          .where("staged", "=", 0)
          .execute()
      ).map((row) => Number(row.id)),
    );
    const ids = await this.db
      .selectFrom("releases")
      .select(["id", `${this.column} as serial`])
      .where("id", ">", Number(from.id))
      .where("id", "<=", upTo.releaseId)
      .orderBy("id")
      .execute();
    const steps: ZoneStep[] = [];
    let pending: ZoneStep[] = [];
    linear.steps.forEach((step, index) => {
      pending.push(step);
      if (released.has(Number(ids[index]!.id))) {
        steps.push(condensed(pending));
        pending = [];
      }
    });
    return { version: linear.version, steps };
  }

  /** The same zone, named by SOA serials: what a DNS primary serves. */
  bySoaSerial(): ZoneSource {
    return this.serials === "soa" ? this : new ZoneSource(this.db, "soa");
  }

  async version(): Promise<ZoneVersion> {
    const latest = await this.db
      .selectFrom("releases")
      .select(["id", `${this.column} as serial`])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    return { releaseId: Number(latest?.id ?? 0), serial: Number(latest?.serial ?? 0) };
  }

  /**
   * The whole zone at one release. Read in pages so that no single read holds the store, then checked: if a
   * release landed meanwhile the read starts over, so a transfer never mixes two releases.
   */
  async snapshot(): Promise<ZoneSnapshot> {
    for (;;) {
      const before = await this.version();
      const records: ZoneRecord[] = [];
      for await (const rows of this.pages()) for (const row of rows) records.push(row);
      const now = await this.version();
      if (now.releaseId === before.releaseId) return { ...before, records };
    }
  }

  /**
   * The zone's records in pages, ordered by owner, for callers that stream (feeds of ten million names). A
   * caller that must not mix releases compares `version()` before and after, as `snapshot` does.
   */
  async *pages(size = page): AsyncGenerator<ZoneRecord[]> {
    let after: ZoneRecord | undefined;
    for (;;) {
      let query = this.db.selectFrom("zone_records").select(["owner", "rtype", "rdata"]);
      if (after) {
        const last = after;
        // A row-value comparison walks the primary key from where the last page ended.
        query = query.where((eb) =>
          eb(eb.refTuple("owner", "rtype", "rdata"), ">", eb.tuple(last.owner, last.rtype, last.rdata)),
        );
      }
      const rows = (await query
        .orderBy("owner")
        .orderBy("rtype")
        .orderBy("rdata")
        .limit(size)
        .execute()) as ZoneRecord[];
      if (rows.length > 0) yield rows;
      if (rows.length < size) return;
      after = rows[rows.length - 1];
    }
  }

  /**
   * The steps from `serial` to the current release, or null when that serial is not in the journal (the caller
   * then sends the whole zone, RFC 1995 §4), or when sending the steps would cost more than the zone itself.
   */
  async stepsSince(
    serial: number,
    maxRecords: number,
    upTo?: ZoneVersion,
  ): Promise<{ version: ZoneVersion; steps: ZoneStep[] } | null> {
    // A server that holds the zone in memory names the release it serves, which the store may be past.
    const version = upTo ?? (await this.version());
    const from = await this.db
      .selectFrom("releases")
      .select(["id"])
      .where(this.column, "=", serial)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!from || Number(from.id) > version.releaseId) return null;
    const releases = await this.db
      .selectFrom("releases")
      .select(["id", `${this.column} as serial`, "added", "removed"])
      .where("id", ">", Number(from.id))
      .where("id", "<=", version.releaseId)
      .orderBy("id")
      .execute();
    const size = releases.reduce((sum, r) => sum + Number(r.added) + Number(r.removed), 0);
    if (size > maxRecords) return null;
    const changes = await this.db
      .selectFrom("release_changes")
      .selectAll()
      .where("release_id", ">", Number(from.id))
      .where("release_id", "<=", version.releaseId)
      .execute();
    let previous = serial;
    const steps = releases.map((release) => {
      const own = changes.filter((change) => Number(change.release_id) === Number(release.id));
      const step: ZoneStep = {
        fromSerial: previous,
        toSerial: Number(release.serial),
        removed: own.filter((c) => c.op === "del").map(toRecord),
        added: own.filter((c) => c.op === "add").map(toRecord),
      };
      previous = step.toSerial;
      return step;
    });
    return { version, steps };
  }

  /**
   * Each release after `releaseId`, with its journal, up to the newest; null when they change more than
   * `maxRecords` records, for which reading the zone again costs less. Both reads are ranges of the primary
   * key and of the journal's release index, so they cost what changed, never the zone's history. With a
   * `pause`, a journal is read in pages with the pause between them: SQLite answers on the caller's thread,
   * and a release of a million names read at once would hold that thread for seconds.
   */
  async releasesAfter(
    releaseId: number,
    maxRecords: number,
    pause?: () => Promise<void>,
  ): Promise<ReleaseStep[] | null> {
    const releases = await this.db
      .selectFrom("releases")
      .select(["id", `${this.column} as serial`, "added", "removed"])
      .where("id", ">", releaseId)
      .orderBy("id")
      .execute();
    if (releases.length === 0) return [];
    const size = releases.reduce((sum, r) => sum + Number(r.added) + Number(r.removed), 0);
    if (size > maxRecords) return null;
    const byRelease = new Map<number, ReleaseStep>();
    const steps = releases.map((release) => {
      const step: ReleaseStep = {
        releaseId: Number(release.id),
        serial: Number(release.serial),
        removed: [],
        added: [],
      };
      byRelease.set(step.releaseId, step);
      return step;
    });
    const collect = (change: {
      release_id: number | bigint | string;
      op: string;
      owner: string;
      rtype: string;
      rdata: string;
    }) => {
      const step = byRelease.get(Number(change.release_id));
      (change.op === "del" ? step?.removed : step?.added)?.push(toRecord(change));
    };
    // PostgreSQL's client reads a large result as it arrives, between other events: only SQLite needs pages.
    if (pause && !this.db.getExecutor().adapter.constructor.name.startsWith("Postgres")) {
      for (const step of steps) await this.journalInPages(step.releaseId, collect, pause);
      return steps;
    }
    const last = Number(releases[releases.length - 1]!.id);
    const changes = await this.db
      .selectFrom("release_changes")
      .selectAll()
      .where("release_id", ">", releaseId)
      .where("release_id", "<=", last)
      .execute();
    for (const change of changes) collect(change);
    return steps;
  }

  /** One release's journal, page by page along its index (release, then rowid), `pause` between pages. */
  private async journalInPages(
    releaseId: number,
    collect: (change: {
      release_id: number;
      op: string;
      owner: string;
      rtype: string;
      rdata: string;
    }) => void,
    pause: () => Promise<void>,
  ): Promise<void> {
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom("release_changes")
        .select([sql<number>`rowid`.as("row"), "release_id", "op", "owner", "rtype", "rdata"])
        .where("release_id", "=", releaseId)
        .where(sql<number>`rowid`, ">", after)
        .orderBy(sql`rowid`)
        .limit(journalPage)
        .execute();
      for (const row of rows) collect(row);
      if (rows.length < journalPage) return;
      after = Number(rows[rows.length - 1]!.row);
      await pause();
    }
  }

  /** The records at one owner, for ordinary queries into the zone. */
  async lookup(owner: string): Promise<ZoneRecord[]> {
    const rows = await this.db
      .selectFrom("zone_records")
      .select(["owner", "rtype", "rdata"])
      .where("owner", "=", owner)
      .execute();
    return rows as ZoneRecord[];
  }
}

/** Several consecutive steps as one (RFC 1995 §4): what is added then deleted cancels out, and the reverse. */
function condensed(steps: ZoneStep[]): ZoneStep {
  const net = new Map<string, { op: "add" | "del"; record: ZoneRecord }>();
  const key = (record: ZoneRecord) => `${record.owner} ${record.rtype} ${record.rdata}`;
  for (const step of steps) {
    for (const record of step.removed) {
      const k = key(record);
      if (net.get(k)?.op === "add") net.delete(k);
      else net.set(k, { op: "del", record });
    }
    for (const record of step.added) {
      const k = key(record);
      if (net.get(k)?.op === "del") net.delete(k);
      else net.set(k, { op: "add", record });
    }
  }
  const changes = [...net.values()];
  return {
    fromSerial: steps[0]!.fromSerial,
    toSerial: steps[steps.length - 1]!.toSerial,
    removed: changes.filter((c) => c.op === "del").map((c) => c.record),
    added: changes.filter((c) => c.op === "add").map((c) => c.record),
  };
}

function toRecord(change: { owner: string; rtype: string; rdata: string }): ZoneRecord {
  return { owner: change.owner, rtype: change.rtype as ZoneRecord["rtype"], rdata: change.rdata };
}
