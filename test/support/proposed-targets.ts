import { type Candidate, targetColumns, targetRowWriter } from "../../src/intake/add-targets.ts";
import type { Order } from "../../src/intake/order.ts";
import { appendEvents } from "../../src/store/append-events.ts";
import type { Store } from "../../src/store/database.ts";
import { inTransaction } from "../../src/store/in-transaction.ts";
import { insertMany } from "../../src/store/insert-many.ts";

export interface GeneratedQueue {
  /** Ids of the targets written, in order. */
  ids: number[];
  /** Targets with a `review` finding (TARGET_ADDRESS_SHARED): one in `reviewEvery`. */
  review: number;
  /** Targets of kind `domain`: one in `domainEvery`; the others are `fqdn`. */
  domains: number;
}

const findingColumns = [
  "target_id",
  "check",
  "severity",
  "code",
  "message",
  "evidence",
  "created_at",
] as const;

/**
 * Writes `count` proposed targets under `order` as a bulk import would (the same row writer, the same
 * `target.proposed` events), with the findings checks without a resolver give: DNS_SNAPSHOT_SKIPPED on every
 * name, and a `review` finding on one in `reviewEvery`. The checks themselves are not run: a review desk test
 * needs a big queue, not a second test of the checks.
 */
export async function proposeGeneratedTargets(
  store: Store,
  order: Order,
  count: number,
  options: { now: Date; prefix?: string; reviewEvery?: number; domainEvery?: number },
): Promise<GeneratedQueue> {
  const at = options.now.toISOString();
  const prefix = options.prefix ?? "queued";
  const reviewEvery = options.reviewEvery ?? 100;
  const domainEvery = options.domainEvery ?? 10;
  const candidates: Candidate[] = Array.from({ length: count }, (_, i) => {
    const value = `${prefix}${i}.review-desk-test.com`;
    return {
      line: i + 1,
      input: value,
      kind: i % domainEvery === 0 ? "domain" : "fqdn",
      value,
      display: value,
      validUntil: order.validUntil,
    };
  });
  const ids = await inTransaction(store.db, async (trx) => {
    const rows = (await insertMany(
      trx,
      "targets",
      targetColumns,
      candidates.length,
      targetRowWriter(candidates, order, "order", at),
      ["id", "value"],
    )) as Array<{ id: number | string; value: string }>;
    const byValue = new Map(rows.map((row) => [row.value, Number(row.id)]));
    const written = candidates.map((c) => byValue.get(c.value)!);
    const data = JSON.stringify({ orderId: order.id, origin: "order" });
    await appendEvents(
      trx,
      written.map((id) => ({
        at,
        actor: "test",
        subject_type: "target",
        subject_id: id,
        action: "target.proposed",
        from_state: null,
        to_state: "proposed",
        reason: null,
        data,
      })),
    );
    const findings: Array<[number, string, string, string, string, string]> = [];
    written.forEach((id, i) => {
      findings.push([
        id,
        "dns-snapshot",
        "info",
        "DNS_SNAPSHOT_SKIPPED",
        "No DNS snapshot: no resolver is configured for the checks.",
        '{"configured":false}',
      ]);
      if (i % reviewEvery === reviewEvery - 1) {
        findings.push([
          id,
          "dns-snapshot",
          "review",
          "TARGET_ADDRESS_SHARED",
          `${candidates[i]!.value} resolves to an address other names share.`,
          '{"address":"192.0.2.1"}',
        ]);
      }
    });
    await insertMany(trx, "findings", findingColumns, findings.length, (row, out, offset) => {
      const f = findings[row]!;
      for (let c = 0; c < 6; c += 1) out[offset + c] = f[c]!;
      out[offset + 6] = at;
    });
    return written;
  });
  return {
    ids,
    review: Math.floor(count / reviewEvery),
    domains: Math.ceil(count / domainEvery),
  };
}
