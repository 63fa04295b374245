import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import { AudienceZone } from "../audience-zone.ts";
import { addressEntry, type FeedEntry, groupByOwner } from "../feeds/feed-entries.ts";
import type { ZoneRecord } from "../rpz-records.ts";
import { ZoneSource, type ZoneVersion } from "../zone-source.ts";
import { routesNotApproved, unapprovedRoutes } from "./approved-routes.ts";
import { birdRoutesText } from "./bird-routes-text.ts";
import { blackholeRoute, defaultNextHops, type NextHops } from "./blackhole-route.ts";

export interface BirdSpeakerOptions {
  db: Kysely<Database>;
  /** The RPZ zone's apex, named in the file's header. */
  zone: string;
  /** The include file decree's BIRD reads (its configuration: `decree bgp config`). */
  routesFile: string;
  /** The command that makes BIRD read it again, as argv: by default `birdc -s <socket> configure`. */
  reload: readonly string[];
  nextHops?: NextHops | undefined;
  /** How long the reload may take before it counts as failed. */
  reloadTimeoutMs?: number;
}

/** What one sync did: which release the daemon now announces, how many routes, and whether BIRD was told. */
export interface BirdSync {
  releaseId: number;
  serial: number;
  routes: number;
  reloaded: boolean;
}

/**
 * Keeps decree's BIRD announcing exactly the blocked addresses and prefixes of the current release. decree does
 * not speak BGP: after each release it writes the routes as a BIRD include (write to a temporary file, then
 * rename, so BIRD never reads half a file) and runs `birdc configure`, which swaps BIRD's static protocols in
 * place; BGP then sends the new routes and withdraws the old ones (RFC 4271 §9) over sessions that stay up.
 * A lift, suspension, expiry or an order's end takes the entry out of the zone, so out of the next file.
 * Syncs run one at a time; calls during one share the next. A route that is not an approved entry (which the zone
 * never holds) is left out and the sync fails with BGP_ROUTE_NOT_APPROVED after announcing the rest.
 */
export class BirdSpeaker {
  private readonly zone: AudienceZone;
  private running: Promise<BirdSync> | undefined;
  private queued: Promise<BirdSync> | undefined;
  private lastText: string | undefined;
  private lastReleaseId = -1;

  constructor(private readonly options: BirdSpeakerOptions) {
    this.zone = new AudienceZone(options.db, new ZoneSource(options.db), "everyone");
  }

  /** Brings the daemon to the current release; resolves once BIRD has read the file (or nothing changed). */
  sync(): Promise<BirdSync> {
    if (!this.running) {
      this.running = this.syncNow().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  /** Waits for the sync running and the one queued, if any: for an orderly shutdown. */
  async settled(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running)?.catch(() => undefined);
  }

  private async syncNow(): Promise<BirdSync> {
    const { version, entries } = await this.addressEntries();
    const nextHops = this.options.nextHops ?? defaultNextHops;
    // A route that is not an approved entry is left out, and said; the others still come and go, since holding
    // them all back would also hold back the withdrawal of lifted ones.
    const refused = new Set(await unapprovedRoutes(this.options.db, entries));
    const routes = entries
      .filter((entry) => !refused.has(entry.value))
      .flatMap((entry) => blackholeRoute(entry, nextHops) ?? []);
    let text = "";
    for await (const chunk of birdRoutesText([routes], { zone: this.options.zone, serial: version.serial })) {
      text += chunk;
    }
    const result = { releaseId: version.releaseId, serial: version.serial, routes: routes.length };
    // The header names the serial: compare the routes only, so a release without address changes costs no reload.
    const body = withoutHeader(text);
    let reloaded = false;
    if (body !== this.lastText || !(await this.fileHolds(body))) {
      await writeAtomically(this.options.routesFile, text);
      await this.reload();
      this.lastText = body;
      reloaded = true;
    }
    this.lastReleaseId = version.releaseId;
    if (refused.size > 0) throw routesNotApproved([...refused]);
    return { ...result, reloaded };
  }

  /** The release this speaker last brought BIRD to; -1 before the first sync. */
  get releaseId(): number {
    return this.lastReleaseId;
  }

  /** The file on disk is still the one written last (nobody replaced or removed it). */
  private async fileHolds(body: string): Promise<boolean> {
    const onDisk = await readFile(this.options.routesFile, "utf8").catch(() => undefined);
    return onDisk !== undefined && withoutHeader(onDisk) === body;
  }

  /**
   * The zone's address triggers (owners `<prefix>.rpz-ip`, draft-ietf-dnsop-dns-rpz §5.3) at one release: read
   * again if a release landed meanwhile, so a file never mixes two.
   */
  private async addressEntries(): Promise<{
    version: ZoneVersion;
    entries: FeedEntry[];
  }> {
    for (;;) {
      // BIRD announces to every operator's router alike: the routes of the last release that went to all.
      const view = await this.zone.view();
      const version = view.version;
      const read = (await this.options.db
        .selectFrom("zone_records")
        .select(["owner", "rtype", "rdata"])
        .where("owner", "like", "%.rpz-ip")
        .orderBy("owner")
        .orderBy("rtype")
        .orderBy("rdata")
        .execute()) as ZoneRecord[];
      const changed = [...view.changed].filter((owner) => owner.endsWith(".rpz-ip"));
      const records = read
        .filter((record) => !view.changed.has(record.owner))
        .concat(changed.length > 0 ? await view.lookup(changed) : []);
      if (!(await this.zone.holds(view))) continue;
      const entries = [...groupByOwner(records)].map(([owner, group]) => addressEntry(owner, group));
      return { version, entries };
    }
  }

  private reload(): Promise<void> {
    const [command, ...args] = this.options.reload;
    return new Promise((resolve, reject) => {
      execFile(
        command!,
        args,
        { timeout: this.options.reloadTimeoutMs ?? 10_000 },
        (error, stdout, stderr) => {
          if (!error) return resolve();
          reject(
            new DecreeError(
              "BGP_RELOAD_FAILED",
              `decree wrote ${this.options.routesFile} but \`${this.options.reload.join(" ")}\` failed ` +
                `(${error.code ?? error.signal ?? error.message}): ${`${stdout}${stderr}`.trim().slice(-500)}. ` +
                "Check that BIRD runs with decree's configuration (`decree bgp config`) and that its control " +
                "socket is the one set in bgpBirdSocket; the next release tries again.",
            ),
          );
        },
      );
    });
  }
}

function withoutHeader(text: string): string {
  return text.replace(/^(#[^\n]*\n)*/, "");
}

/** Temporary file in the same folder, then rename (atomic on POSIX): a reader sees the old file or the new. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
