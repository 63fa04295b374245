import type { Kysely } from "kysely";
import { eventText } from "../../locale/event-text.ts";
import type { Database, Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { canaryOrganisations } from "../canary-organisations.ts";
import { ZoneSource } from "../zone-source.ts";
import { privateDestination } from "./webhook-destination.ts";
import { deliveryHeader, signatureHeader, timestampHeader, webhookSignature } from "./webhook-signature.ts";

export interface DeliverWebhooksOptions {
  now: Date;
  /** The delay before the first retry; each next one doubles it (exponential backoff). */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number;
  timeoutMs?: number;
  /** Deliveries sent at once per run. */
  batch?: number;
  fetch?: typeof fetch;
  /** Call receivers on loopback and private addresses too (tests; a receiver on the registry's own network). */
  allowPrivateDestinations?: boolean;
}

export interface DeliveryRun {
  queued: number;
  delivered: number;
  retrying: number;
  failed: number;
}

export const webhookDefaults = {
  retryBaseMs: 10_000,
  maxRetryDelayMs: 60 * 60_000,
  // 10 s, 20 s, 40 s … then hourly: about 11 hours of trying before giving up.
  maxAttempts: 16,
  timeoutMs: 10_000,
  batch: 50,
};

/**
 * The webhook job: queues each new release for every active webhook (and rollout/halt-rollout.ts a halted
 * staged release), then sends what is due. Deliveries live
 * in the store with their next attempt time, so a restart (or another instance taking over the jobs) resumes
 * them where they were. Each attempt is signed afresh (webhook-signature.ts). A 2xx answer delivers; anything
 * else, or no answer within the timeout, retries later; a receiver may therefore get a release twice (same
 * Decree-Delivery id) and, while one retries, later releases before it: every body names its serial.
 */
export async function deliverWebhooks(store: Store, options: DeliverWebhooksOptions): Promise<DeliveryRun> {
  const settings = { ...webhookDefaults, ...definedOnly(options) };
  const canaries = await canaryOrganisations(store.db);
  const queued = await queueNewReleases(store, options.now, canaries);
  const due = await Promise.all(
    (await dueDeliveries(store.db, options.now, settings.batch)).map((delivery) =>
      canaries.has(Number(delivery.organisation_id)) ? delivery : previousForEveryone(store.db, delivery),
    ),
  );
  const outcomes = await Promise.all(
    due.map(async (delivery) => ({
      delivery,
      error:
        (options.allowPrivateDestinations ? null : await destinationProblem(delivery.url)) ??
        (await send(delivery, options.now, settings.timeoutMs, options.fetch ?? fetch)),
    })),
  );
  const run: DeliveryRun = { queued, delivered: 0, retrying: 0, failed: 0 };
  for (const { delivery, error } of outcomes) {
    const attempt = delivery.attempt + 1;
    if (error === null) {
      run.delivered++;
      await store.db
        .updateTable("webhook_deliveries")
        .set({ status: "delivered", attempt, delivered_at: options.now.toISOString(), next_attempt_at: null })
        .where("id", "=", delivery.id)
        .execute();
      continue;
    }
    const giveUp = attempt >= settings.maxAttempts;
    if (giveUp) run.failed++;
    else run.retrying++;
    const delay = Math.min(settings.retryBaseMs * 2 ** (attempt - 1), settings.maxRetryDelayMs);
    await store.db
      .updateTable("webhook_deliveries")
      .set({
        status: giveUp ? "failed" : "pending",
        attempt,
        last_error: error.slice(0, 500),
        next_attempt_at: giveUp ? null : new Date(options.now.getTime() + delay).toISOString(),
      })
      .where("id", "=", delivery.id)
      .execute();
  }
  return run;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Each active webhook gets a delivery per release after the last one it was given: a canary operator's as each
 * release is built, staged or not; any other's as each goes to all (staged releases are skipped until promoted,
 * so `last_release_id` stops below the first one still staged, and one that never goes to all never comes).
 */
async function queueNewReleases(store: Store, now: Date, canaries: ReadonlySet<number>): Promise<number> {
  const hooks = await store.db
    .selectFrom("webhooks")
    .select(["id", "organisation_id", "last_release_id"])
    .where("disabled_at", "is", null)
    .execute();
  let queued = 0;
  for (const hook of hooks) {
    queued += await inTransaction(store.db, async (trx) => {
      let query = trx.selectFrom("releases").select(["id", "serial"]).where("id", ">", hook.last_release_id);
      if (!canaries.has(Number(hook.organisation_id))) query = query.where("staged", "=", 0);
      const releases = await query.orderBy("id").limit(1000).execute();
      const last = releases.at(-1);
      if (!last) return 0;
      for (const release of releases) {
        await trx
          .insertInto("webhook_deliveries")
          .values({
            webhook_id: hook.id,
            release_id: release.id,
            serial: release.serial,
            attempt: 0,
            status: "pending",
            next_attempt_at: now.toISOString(),
            delivered_at: null,
            last_error: null,
          })
          .onConflict((conflict) => conflict.columns(["webhook_id", "release_id", "kind"]).doNothing())
          .execute();
      }
      await trx
        .updateTable("webhooks")
        .set({ last_release_id: last.id })
        .where("id", "=", hook.id)
        .where("last_release_id", "=", hook.last_release_id)
        .execute();
      return releases.length;
    });
  }
  return queued;
}

type DueDelivery = Awaited<ReturnType<typeof dueDeliveries>>[number];

async function dueDeliveries(db: Kysely<Database>, now: Date, batch: number) {
  return db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .innerJoin("releases as r", "r.id", "d.release_id")
    .select([
      "d.id",
      "d.attempt",
      "d.kind",
      "d.details",
      "w.organisation_id",
      "w.url",
      "w.secret",
      "w.language",
      "r.id as release_id",
      "r.serial",
      "r.created_at",
      "r.added",
      "r.removed",
      "r.record_count",
      (eb) =>
        eb
          .selectFrom("releases as p")
          .select("p.serial")
          .whereRef("p.id", "<", "r.id")
          .orderBy("p.id", "desc")
          .limit(1)
          .as("previous_serial"),
    ])
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", now.toISOString())
    .where("w.disabled_at", "is", null)
    .orderBy("d.next_attempt_at")
    .orderBy("d.id")
    .limit(batch)
    .execute();
}

/**
 * The body a receiver gets: the release, and where to fetch what changed; and `summary`, the same told to a
 * person in the webhook's language (the sentence of the release's event), for a chat or a ticket to show as it is.
 */
export function webhookBody(delivery: DueDelivery): string {
  const serial = Number(delivery.serial);
  const previous = delivery.previous_serial === null ? null : Number(delivery.previous_serial);
  const summary = eventText(
    {
      action: delivery.kind === "release.halted" ? "release.halted" : "release.published",
      subjectType: "release",
      subjectId: Number(delivery.release_id),
      data: { serial, added: Number(delivery.added), removed: Number(delivery.removed) },
    },
    delivery.language,
  );
  return JSON.stringify({
    type: delivery.kind,
    deliveryId: Number(delivery.id),
    summary,
    release: {
      id: Number(delivery.release_id),
      serial,
      previousSerial: previous,
      createdAt: delivery.created_at,
      added: Number(delivery.added),
      removed: Number(delivery.removed),
      recordCount: Number(delivery.record_count),
    },
    links: {
      diff: previous === null ? null : `/feeds/json?since=${previous}`,
      full: "/feeds/json",
      acknowledge: `/releases/${serial}/ack`,
    },
    // A staged release halted at a canary: what was over-blocked, where; a person decides what comes next.
    ...(delivery.kind === "release.halted" && delivery.details
      ? { halted: JSON.parse(delivery.details) }
      : {}),
  });
}

/** Whether the receiver's name now points somewhere decree must not call; as an attempt's error. */
async function destinationProblem(url: string): Promise<string | null> {
  try {
    return await privateDestination(new URL(url));
  } catch (error) {
    return `cannot resolve ${new URL(url).hostname}: ${(error as NodeJS.ErrnoException).code ?? "error"}`;
  }
}

/**
 * What a receiver that is no canary's got before this release: the one before it that went to all, not a
 * staged one it never had, so that its diff link starts from a serial its feeds know; and what changed since
 * that one, the staged releases in between folded in (a promoted rollout's every entry, not its last step's).
 */
async function previousForEveryone(db: Kysely<Database>, delivery: DueDelivery): Promise<DueDelivery> {
  const releaseId = Number(delivery.release_id);
  const previous = await db
    .selectFrom("releases")
    .select(["id", "serial"])
    .where("id", "<", releaseId)
    .where("staged", "=", 0)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const answer = { ...delivery, previous_serial: previous?.serial ?? null };
  if (!previous || Number(previous.id) === releaseId - 1) return answer;
  const folded = await new ZoneSource(db).releasedStepsSince(Number(previous.serial), foldedMaxRecords, {
    releaseId,
    serial: Number(delivery.serial),
  });
  const step = folded?.steps.at(-1);
  return step ? { ...answer, added: step.added.length, removed: step.removed.length } : answer;
}

/** Above this many records, a promoted rollout's counts are its own release's rather than read from journals. */
const foldedMaxRecords = 1_000_000;

/** Sends one attempt; returns null when delivered, else what went wrong. */
async function send(delivery: DueDelivery, now: Date, timeoutMs: number, fetcher: typeof fetch) {
  const body = webhookBody(delivery);
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const response = await fetcher(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "decree-webhooks/1",
        [deliveryHeader]: String(delivery.id),
        [timestampHeader]: String(timestamp),
        [signatureHeader]: webhookSignature(delivery.secret, timestamp, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
  }
}
