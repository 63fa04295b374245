import { isCanaryRecord } from "../canary-record.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import type { ZoneSource, ZoneStep, ZoneVersion } from "../zone-source.ts";

/** Where the journal comes from: the store's (ZoneSource) or one audience's (AudienceZone). */
type Journal = Pick<ZoneSource, "stepsSince">;

import {
  addressEntry,
  type FeedEntry,
  groupByOwner,
  isRpzIpOwner,
  nameEntry,
  type OwnerLookup,
  partnerOf,
} from "./feed-entries.ts";

/** What changed in the feed between two serials, in entries (not records): what to remove, what to add. */
export interface FeedDiff {
  from: number;
  to: number;
  removed: FeedEntry[];
  added: FeedEntry[];
}

/**
 * The entry-level change since `since`, or null when that serial is unknown or the change is larger than
 * `maxRecords` (the caller then answers the whole feed, as IXFR falls back to AXFR, RFC 1995 §4).
 *
 * The journal speaks in records, and records do not map one-to-one to entries: removing only `*.x` turns
 * `domain x` into `fqdn x`. So every name a step touched is rebuilt twice, from the current zone and from the
 * zone at `since` (the current one with the steps undone, last first), and the two sets of entries compared.
 * `lookup` reads the zone at `upTo` (the current release by default).
 */
export async function feedDiff(
  source: Journal,
  lookup: OwnerLookup,
  since: number,
  maxRecords: number,
  upTo?: ZoneVersion,
): Promise<{ version: ZoneVersion; diff: FeedDiff } | null> {
  const journal = await source.stepsSince(since, maxRecords, upTo);
  if (!journal) return null;
  const owners = touchedOwners(journal.steps);
  const now = recordSets(await lookup([...owners]));
  const before = undoSteps(now, journal.steps);
  const was = entriesByKey(before);
  const is = entriesByKey(now);
  return {
    version: journal.version,
    diff: {
      from: since,
      to: journal.version.serial,
      removed: sorted([...was].filter(([key]) => !is.has(key)).map(([, entry]) => entry)),
      added: sorted([...is].filter(([key]) => !was.has(key)).map(([, entry]) => entry)),
    },
  };
}

/** Every owner whose meaning a step may have changed: the owner itself and its domain partner. */
function touchedOwners(steps: ZoneStep[]): Set<string> {
  const owners = new Set<string>();
  for (const step of steps) {
    for (const record of [...step.removed, ...step.added]) {
      // Every step replaces the canary; it is no entry of any feed that speaks in entries.
      if (isCanaryRecord(record)) continue;
      owners.add(record.owner);
      const partner = partnerOf(record.owner);
      if (partner !== undefined) owners.add(partner);
    }
  }
  return owners;
}

type RecordSets = Map<string, Map<string, ZoneRecord>>;

const keyOf = (record: ZoneRecord) => `${record.rtype} ${record.rdata}`;

function recordSets(records: ZoneRecord[]): RecordSets {
  const sets: RecordSets = new Map();
  for (const [owner, group] of groupByOwner(records))
    sets.set(owner, new Map(group.map((r) => [keyOf(r), r])));
  return sets;
}

/** Each step deleted, then added (RFC 1995 §4); undoing it takes the additions out, puts deletions back. */
function undoSteps(now: RecordSets, steps: ZoneStep[]): RecordSets {
  const before: RecordSets = new Map([...now].map(([owner, set]) => [owner, new Map(set)]));
  const setAt = (owner: string) => before.get(owner) ?? before.set(owner, new Map()).get(owner)!;
  for (const step of [...steps].reverse()) {
    for (const record of step.added) if (!isCanaryRecord(record)) setAt(record.owner).delete(keyOf(record));
    for (const record of step.removed)
      if (!isCanaryRecord(record)) setAt(record.owner).set(keyOf(record), record);
  }
  return before;
}

function entriesByKey(sets: RecordSets): Map<string, FeedEntry> {
  const records = (owner: string) => {
    const set = sets.get(owner);
    return set && set.size > 0 ? [...set.values()] : undefined;
  };
  const entries = new Map<string, FeedEntry>();
  for (const owner of sets.keys()) {
    const own = records(owner);
    if (!own) continue;
    const entry = isRpzIpOwner(owner)
      ? addressEntry(owner, own)
      : owner.startsWith("*.")
        ? nameEntry(owner.slice(2), records(owner.slice(2)), own)
        : nameEntry(owner, own, records(`*.${owner}`));
    if (entry) entries.set(entryKey(entry), entry);
  }
  return entries;
}

function entryKey(entry: FeedEntry): string {
  return [entry.kind, entry.value, entry.action, ...(entry.addresses ?? [])].join(" ");
}

function sorted(entries: FeedEntry[]): FeedEntry[] {
  return entries.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.kind < b.kind ? -1 : 1));
}
