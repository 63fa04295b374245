import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import type { SiteEvidence } from "./collect-site-evidence.ts";

export interface StoredCapture {
  id: number;
  name: string;
  orderId: number | null;
  role: "original" | "candidate";
  sha256: string;
  capturedAt: string;
  evidence: SiteEvidence;
}

/** Keeps a site's evidence as it was captured, with the SHA-256 of the exact JSON kept. */
export async function storeCapture(
  db: Kysely<Database>,
  evidence: SiteEvidence,
  where: { orderId: number | null; role: StoredCapture["role"]; actor: string },
): Promise<StoredCapture> {
  const text = JSON.stringify(evidence);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const row = await db
    .insertInto("site_captures")
    .values({
      name: evidence.name,
      order_id: where.orderId,
      role: where.role,
      evidence: text,
      sha256,
      captured_at: evidence.capturedAt,
      captured_by: where.actor,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    id: Number(row.id),
    name: evidence.name,
    orderId: where.orderId,
    role: where.role,
    sha256,
    capturedAt: evidence.capturedAt,
    evidence,
  };
}

/** The latest capture of each of an order's blocked names: what its mirrors are compared with. */
export async function originalCaptures(db: Kysely<Database>, orderId: number): Promise<StoredCapture[]> {
  const rows = await db
    .selectFrom("site_captures")
    .selectAll()
    .where("order_id", "=", orderId)
    .where("role", "=", "original")
    .orderBy("id", "desc")
    .execute();
  const latest = new Map<string, StoredCapture>();
  for (const row of rows) {
    if (latest.has(row.name)) continue;
    latest.set(row.name, {
      id: Number(row.id),
      name: row.name,
      orderId,
      role: "original",
      sha256: row.sha256,
      capturedAt: row.captured_at,
      evidence: JSON.parse(row.evidence),
    });
  }
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
}
