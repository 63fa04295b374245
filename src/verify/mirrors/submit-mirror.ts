import type { CheckSettings } from "../../checks/check-data.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Order } from "../../intake/order.ts";
import { normalizeTarget } from "../../names/normalize-target.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { type Assessment, assessCandidate } from "./assess-candidate.ts";
import { blockedNames } from "./blocked-names.ts";
import { captureOriginals } from "./capture-originals.ts";
import { assertOrderTakesMirrors, type QueuedMirror, queueMirror } from "./queue-mirror.ts";
import type { SiteSettings } from "./site-settings.ts";
import { type StoredCapture, storeCapture } from "./store-capture.ts";

export interface SubmittedMirror extends QueuedMirror {
  assessment: Assessment<StoredCapture>;
  capture: StoredCapture;
}

/**
 * A suspected mirror reported by an applicant (or an authority): it gets the same evidence as a discovered one
 * (the site fetched, fingerprinted and scored against the order's blocked sites) and goes to the review queue
 * as a mirror target whatever its score: the person who reported it may know what decree cannot see, and a
 * low score is there for the reviewer to read, as a `review` finding.
 */
export async function submitMirror(
  store: Store,
  order: Order,
  input: string,
  settings: SiteSettings,
  options: { actor: string; now: () => Date; threshold?: number; checkSettings?: CheckSettings },
): Promise<SubmittedMirror> {
  assertOrderTakesMirrors(order, options.now());
  const name = normalizeTarget(input, "fqdn");
  if (!name.ok) throw new DecreeError(name.code, name.message, undefined, name.params);
  const blocked = await blockedNames(store.db, order.id);
  const originals = await captureOriginals(store, order, settings, {
    actor: options.actor,
    now: options.now,
  });
  if (originals.length === 0) {
    throw new DecreeError(
      "MIRROR_NO_ORIGINAL",
      `Order ${order.id} has no name or domain target to compare ${name.value} with; a mirror copies a site ` +
        "the order blocks. Add the blocked site's name to the order first.",
    );
  }
  const assessment = await assessCandidate(name.value, originals, settings, {
    threshold: options.threshold,
    now: options.now,
  });
  const kind = blocked.find((b) => b.name === assessment.original.name)?.kind ?? "domain";
  return inTransaction(store.db, async (trx) => {
    const capture = await storeCapture(trx, assessment.evidence, {
      orderId: order.id,
      role: "candidate",
      actor: options.actor,
    });
    const queued = await queueMirror(
      trx,
      order,
      {
        name: name.value,
        kind,
        capture,
        original: assessment.original,
        score: assessment.score,
        source: "applicant",
      },
      { actor: options.actor, now: options.now(), checkSettings: options.checkSettings },
    );
    return { ...queued, assessment, capture };
  });
}
