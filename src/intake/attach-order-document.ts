import { createHash } from "node:crypto";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { findOrderAs, type OrderScope } from "./find-order-as.ts";

/** What a court decision comes as: a PDF, a scan, or bytes the sender could not type. */
export const documentMediaTypes = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/tiff",
  "application/octet-stream",
] as const;
export type DocumentMediaType = (typeof documentMediaTypes)[number];

/** Large enough for a scanned judgment of a few dozen pages, small enough to keep in the store. */
export const maxDocumentBytes = 20 * 1024 * 1024;

export interface OrderDocument {
  orderId: number;
  sha256: string;
  mediaType: string;
  size: number;
  uploadedAt: string;
  uploadedBy: string;
}

export interface AttachDocumentOptions {
  actor: string;
  now: Date;
  scope: OrderScope;
}

/**
 * Stores an order's document and its SHA-256. When the order declared a hash, the bytes must have it: the
 * hash is what the order's record vouches for. When it did not, the upload's hash becomes the order's. Once
 * only: records are immutable, a different document means a different order.
 */
export async function attachOrderDocument(
  store: Store,
  orderRef: string | number,
  upload: { bytes: Buffer; mediaType: string },
  options: AttachDocumentOptions,
): Promise<OrderDocument> {
  const mediaType = checkedMediaType(upload);
  const sha256 = createHash("sha256").update(upload.bytes).digest("hex");
  return inTransaction(store.db, async (trx) => {
    const order = await findOrderAs(trx, orderRef, options.scope);
    const existing = await trx
      .selectFrom("documents")
      .select("sha256")
      .where("order_id", "=", order.id)
      .executeTakeFirst();
    if (existing) {
      throw new DecreeError(
        "DOCUMENT_DUPLICATE",
        `Order ${order.id} already has its document (SHA-256 ${existing.sha256}` +
          `${existing.sha256 === sha256 ? ", the same bytes" : ""}); a document is never replaced.`,
        { sha256: existing.sha256 },
      );
    }
    if (order.document.sha256 !== null && order.document.sha256 !== sha256) {
      throw new DecreeError(
        "DOCUMENT_HASH_MISMATCH",
        `Order ${order.id} declared the document's SHA-256 as ${order.document.sha256}; these bytes hash to ` +
          `${sha256}. Upload the very file the order names (check with \`sha256sum FILE\`).`,
        { expected: order.document.sha256, actual: sha256 },
      );
    }
    const at = options.now.toISOString();
    await trx
      .insertInto("documents")
      .values({
        order_id: order.id,
        sha256,
        media_type: mediaType,
        size: upload.bytes.length,
        bytes: upload.bytes,
        uploaded_at: at,
        uploaded_by: options.actor,
      })
      .execute();
    if (order.document.sha256 === null) {
      await trx.updateTable("orders").set({ document_sha256: sha256 }).where("id", "=", order.id).execute();
    }
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "order",
        subject_id: order.id,
        action: "order.document-attached",
        data: { sha256, mediaType, size: upload.bytes.length },
      },
    ]);
    return {
      orderId: order.id,
      sha256,
      mediaType,
      size: upload.bytes.length,
      uploadedAt: at,
      uploadedBy: options.actor,
    };
  });
}

function checkedMediaType(upload: { bytes: Buffer; mediaType: string }): DocumentMediaType {
  const mediaType = upload.mediaType.split(";")[0]!.trim().toLowerCase();
  if (!(documentMediaTypes as readonly string[]).includes(mediaType)) {
    throw new DecreeError(
      "DOCUMENT_MEDIA_TYPE",
      `A document of type ${mediaType || "(none)"} is not accepted; send it as ${documentMediaTypes.join(", ")}.`,
    );
  }
  if (upload.bytes.length === 0) {
    throw new DecreeError(
      "DOCUMENT_INVALID",
      "The document is empty; send the file's bytes as the request body.",
    );
  }
  if (upload.bytes.length > maxDocumentBytes) {
    throw new DecreeError(
      "DOCUMENT_INVALID",
      `The document is ${upload.bytes.length} bytes; the limit is ${maxDocumentBytes}. Send a smaller scan.`,
    );
  }
  // ISO 32000-2 §7.5.2: a PDF file begins with its header "%PDF-"; anything else labelled PDF is a mistake.
  if (mediaType === "application/pdf" && upload.bytes.subarray(0, 5).toString("latin1") !== "%PDF-") {
    throw new DecreeError(
      "DOCUMENT_INVALID",
      "The body is labelled application/pdf but does not begin with %PDF-; send the PDF file itself.",
    );
  }
  return mediaType as DocumentMediaType;
}
