import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { canaryRtype, isCanaryRecord } from "./canary-record.ts";
import { zoneOwnerLookup } from "./feeds/zone-owner-lookup.ts";
import type { ZoneRecord } from "./rpz-records.ts";
import type { ZoneSnapshot, ZoneSource, ZoneStep, ZoneVersion } from "./zone-source.ts";

/**
 * Who reads the zone: `everyone` gets the last release that went to all operators, `canaries` (operators marked
 * canary, identified by TSIG key, address or feed token) the newest one, staged or not (rollout/).
 */
export type Audience = "everyone" | "canaries";

/** The zone at one release as one audience sees it, read from a store that holds the newest release. */
export interface ZoneView {
  /** The release this view shows. */
  version: ZoneVersion;
  /** The newest release in the store when the view was made: the view holds while it is still the newest. */
  newest: ZoneVersion;
  /** The records in pages, each owner's records together (ZoneSource.pages). */
  pages(size?: number): AsyncGenerator<ZoneRecord[]>;
  /** The records at these owners. */
  lookup(owners: string[]): Promise<ZoneRecord[]>;
  /** The canary TXT records (canary-record.ts) of this release. */
  canaries(): Promise<ZoneRecord[]>;
  /** The owners whose records here differ from the store's (`lookup` has them right); empty for the newest. */
  changed: ReadonlySet<string>;
}

/**
 * The published zone for one audience. The store keeps one zone, the newest release's; a release that went to
 * all is the newest one with the staged releases after it undone. Those are few and small (a rollout's new
 * entries), so the view reads the zone as it is and puts back, owner by owner, what the staged journals
 * changed: the released zone costs one pass over the store, as the newest does, and never shows a withheld
 * record, not even in passing.
 */
export class AudienceZone {
  constructor(
    private readonly db: Kysely<Database>,
    readonly source: ZoneSource,
    readonly audience: Audience,
  ) {}

  /** The release this audience gets now. */
  version(): Promise<ZoneVersion> {
    return this.audience === "canaries" ? this.source.version() : this.source.releasedVersion();
  }

  /**
   * The steps from `serial` to `upTo` (this audience's release by default), or null when this audience never
   * had that serial (a staged one, for everyone) or the steps cost more than the zone: the caller sends it whole.
   */
  async stepsSince(
    serial: number,
    maxRecords: number,
    upTo?: ZoneVersion,
  ): Promise<{ version: ZoneVersion; steps: ZoneStep[] } | null> {
    const until = upTo ?? (await this.version());
    return this.audience === "canaries"
      ? this.source.stepsSince(serial, maxRecords, until)
      : this.source.releasedStepsSince(serial, maxRecords, until);
  }

  /** Whether the store still holds the release `view` was made from (a view holds only while it does). */
  async holds(view: ZoneView): Promise<boolean> {
    return (await this.source.version()).releaseId === view.newest.releaseId;
  }

  async view(): Promise<ZoneView> {
    const newest = await this.source.version();
    const lookup = zoneOwnerLookup(this.db);
    const plain: ZoneView = {
      version: newest,
      newest,
      pages: (size) => this.source.pages(size),
      lookup,
      canaries: () => this.currentCanaries(),
      changed: new Set(),
    };
    if (this.audience === "canaries") return plain;
    const released = await this.source.releasedVersion();
    if (released.releaseId === newest.releaseId) return plain;
    const steps = (await this.source.releasesAfter(released.releaseId, Number.MAX_SAFE_INTEGER)) ?? [];
    const undo = undoOf(steps.filter((step) => step.releaseId <= newest.releaseId));
    let restored: Promise<Map<string, ZoneRecord[]>> | undefined;
    const atRelease = () => {
      restored ??= lookup([...undo.keys()]).then((current) => releasedRecords(current, undo));
      return restored;
    };
    return {
      version: released,
      newest,
      pages: (size) => overlaid(this.source.pages(size), undo, atRelease),
      lookup: async (owners) => {
        const current = await lookup(owners.filter((owner) => !undo.has(owner)));
        const before = await atRelease();
        return current.concat(owners.flatMap((owner) => (undo.has(owner) ? (before.get(owner) ?? []) : [])));
      },
      canaries: async () => {
        const current = (await this.currentCanaries()).filter((record) => !undo.has(record.owner));
        const before = [...(await atRelease()).values()].flat().filter(isCanaryRecord);
        return current.concat(before);
      },
      changed: new Set(undo.keys()),
    };
  }

  /** The whole zone at this audience's release, read whole (small zones, a push's resync). */
  async snapshot(): Promise<ZoneSnapshot> {
    for (;;) {
      const view = await this.view();
      const records: ZoneRecord[] = [];
      for await (const rows of view.pages()) for (const row of rows) records.push(row);
      if (await this.holds(view)) return { ...view.version, records };
    }
  }

  private async currentCanaries(): Promise<ZoneRecord[]> {
    const rows = await this.db
      .selectFrom("zone_records")
      .select(["owner", "rtype", "rdata"])
      .where("rtype", "=", canaryRtype)
      .execute();
    return rows as ZoneRecord[];
  }
}

/** Per owner, what the staged releases added (to take out) and deleted (to put back), net. */
type Undo = Map<string, { added: Set<string>; removed: ZoneRecord[] }>;

const keyOf = (record: ZoneRecord) => `${record.rtype} ${record.rdata}`;

function undoOf(steps: Array<{ removed: ZoneRecord[]; added: ZoneRecord[] }>): Undo {
  const net = new Map<string, { op: "add" | "del"; record: ZoneRecord }>();
  for (const step of steps) {
    for (const record of step.removed) {
      const key = `${record.owner} ${keyOf(record)}`;
      if (net.get(key)?.op === "add") net.delete(key);
      else net.set(key, { op: "del", record });
    }
    for (const record of step.added) {
      const key = `${record.owner} ${keyOf(record)}`;
      if (net.get(key)?.op === "del") net.delete(key);
      else net.set(key, { op: "add", record });
    }
  }
  const undo: Undo = new Map();
  for (const { op, record } of net.values()) {
    let owner = undo.get(record.owner);
    if (!owner) {
      owner = { added: new Set(), removed: [] };
      undo.set(record.owner, owner);
    }
    if (op === "add") owner.added.add(keyOf(record));
    else owner.removed.push(record);
  }
  return undo;
}

/** Each undone owner's records at the release: the current ones less the staged additions, plus its deletions. */
function releasedRecords(current: ZoneRecord[], undo: Undo): Map<string, ZoneRecord[]> {
  const byOwner = new Map<string, ZoneRecord[]>();
  for (const owner of [...undo.keys()].sort()) byOwner.set(owner, []);
  for (const record of current) {
    const change = undo.get(record.owner);
    if (change && !change.added.has(keyOf(record))) byOwner.get(record.owner)!.push(record);
  }
  for (const [owner, change] of undo) byOwner.get(owner)!.push(...change.removed);
  for (const [owner, records] of byOwner) if (records.length === 0) byOwner.delete(owner);
  return byOwner;
}

/**
 * The store's pages without the undone owners, and those owners' released records slipped in where they sort.
 * Where the store's collation disagrees with the code points' order an owner lands elsewhere, but whole: each
 * owner's records stay together, which is all the feeds rely on.
 */
async function* overlaid(
  pages: AsyncIterable<ZoneRecord[]>,
  undo: Undo,
  atRelease: () => Promise<Map<string, ZoneRecord[]>>,
): AsyncGenerator<ZoneRecord[]> {
  const restored = [...(await atRelease())];
  let next = 0;
  for await (const page of pages) {
    const out: ZoneRecord[] = [];
    for (const record of page) {
      if (undo.has(record.owner)) continue;
      while (next < restored.length && restored[next]![0] < record.owner) out.push(...restored[next++]![1]);
      out.push(record);
    }
    if (out.length > 0) yield out;
  }
  const rest = restored.slice(next).flatMap(([, records]) => records);
  if (rest.length > 0) yield rest;
}
