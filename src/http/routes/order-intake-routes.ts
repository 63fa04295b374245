import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import type { CheckSettings } from "../../checks/check-data.ts";
import { type RecordedFindings, recordFindings } from "../../checks/record-findings.ts";
import { DecreeError, isDecreeError } from "../../errors/decree-error.ts";
import { type AddTargetsResult, addTargets, type RejectedTarget } from "../../intake/add-targets.ts";
import { attachOrderDocument, maxDocumentBytes } from "../../intake/attach-order-document.ts";
import { confirmOrder } from "../../intake/confirm-order.ts";
import { findOrderAs } from "../../intake/find-order-as.ts";
import { orderInputSchema } from "../../intake/order-input.ts";
import { readOrderDocument } from "../../intake/read-order-document.ts";
import { recordOrder } from "../../intake/record-order.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { orderScopeOf } from "../order-scope.ts";
import { addedTargetSchema, idParams, orderSchema, rejectedTargetSchema } from "../workflow-schemas.ts";

export interface OrderIntakeRouteDeps {
  store: Store;
  now: () => Date;
  checkSettings?: CheckSettings;
}

const tags = ["workflow"];
/** A bulk submission of targets: 100,000 lines of up to ~100 bytes each. */
const maxTargetsPerRequest = 100_000;
const targetsBodyLimit = 16 * 1024 * 1024;

const targetLine = z.union([
  z.string().max(2048),
  z
    .object({
      value: z.string().max(2048),
      kind: z.string().max(32).optional().describe("fqdn, domain, url, ip or cidr; inferred when absent"),
      until: z.string().max(64).optional().describe("a date within the order's validity"),
    })
    .strict(),
]);

const addTargetsResponse = z.object({
  orderId: z.number().int(),
  added: z.array(addedTargetSchema),
  rejected: z.array(rejectedTargetSchema),
  findings: z
    .object({
      counts: z.object({ block: z.number().int(), review: z.number().int(), info: z.number().int() }),
      held: z.array(z.object({ targetId: z.number().int(), codes: z.array(z.string()) })),
    })
    .describe("what the safeguard checks found: counts by severity, and the targets a block or review holds"),
});

/**
 * Orders and targets in: an applicant submits its orders (they wait for an authority's confirmation) and
 * their targets; an authority submits orders (confirmed at once) and confirms applicants' ones. Targets wait
 * in the review queue.
 */
export async function orderIntakeRoutes(
  fastify: FastifyInstance,
  { store, now, checkSettings = {} }: OrderIntakeRouteDeps,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // A document comes as the request body with its own media type (no multipart: one file, no form fields);
  // the command decides which types it accepts, so this scope reads any other type as bytes.
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxDocumentBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    "/orders",
    {
      config: { access: "orders:submit" },
      bodyLimit: targetsBodyLimit,
      schema: {
        tags,
        summary: "Submit an order (an applicant's waits for an authority's confirmation)",
        description:
          "The body is an order as in an order file (data/demo/allostreaming-2013.yaml), in JSON. Its targets, " +
          "if any, are added all or none.",
        body: orderInputSchema,
        response: {
          201: z.object({ order: orderSchema, targets: addTargetsResponse.nullable() }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const scope = orderScopeOf(principal);
      const at = now();
      let findings: RecordedFindings | undefined;
      const { order, targets } = await recordOrder(store, request.body, {
        actor: actorFor(principal),
        now: at,
        ...(scope ? { ownerOrganisationId: scope.ownOrganisationId } : {}),
        // The safeguards' findings land in the order's transaction, with its targets.
        afterTargets: async (trx, recorded, added) => {
          findings = await recordFindings(trx, recorded, added.added, { now: at, settings: checkSettings });
        },
      });
      return reply
        .code(201)
        .send({ order, targets: targets && { ...withIndexes(targets), findings: findings! } });
    },
  );

  app.post(
    "/orders/:id/confirm",
    {
      config: { access: "orders:confirm" },
      schema: {
        tags,
        summary: "Confirm an order an applicant submitted; its targets can then be approved",
        params: idParams,
        body: z
          .object({ reason: z.string().max(4000).optional() })
          .strict()
          .nullish()
          .describe("optional; no body is fine"),
        response: { 200: orderSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      return confirmOrder(store, request.params.id, {
        actor: actorFor(principal),
        now: now(),
        reason: request.body?.reason,
      });
    },
  );

  app.post(
    "/orders/:id/document",
    {
      config: { access: "orders:submit" },
      bodyLimit: maxDocumentBytes,
      schema: {
        tags,
        summary:
          "Upload the order's document (the request body, typed application/pdf, image/… or octet-stream)",
        description:
          "Stored with its SHA-256; when the order declared document.sha256, the bytes must match it. Once only.",
        params: idParams,
        response: {
          201: z.object({
            orderId: z.number().int(),
            sha256: z.string(),
            mediaType: z.string(),
            size: z.number().int(),
            uploadedAt: z.string(),
            uploadedBy: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const bytes = Buffer.isBuffer(request.body) ? request.body : undefined;
      if (!bytes) {
        throw new DecreeError(
          "DOCUMENT_MEDIA_TYPE",
          `Send the document's bytes as the body with its type (Content-Type: application/pdf), not as ` +
            `${request.headers["content-type"] ?? "nothing"}.`,
        );
      }
      const document = await attachOrderDocument(
        store,
        request.params.id,
        { bytes, mediaType: request.headers["content-type"] ?? "" },
        { actor: actorFor(principal), now: now(), scope: orderScopeOf(principal) },
      );
      return reply.code(201).send(document);
    },
  );

  app.get(
    "/orders/:id/document",
    {
      config: { access: "documents:read" },
      schema: {
        tags,
        summary: "Download the order's stored document",
        params: idParams,
      },
    },
    async (request, reply) => {
      const document = await readOrderDocument(store.db, request.params.id, orderScopeOf(request.principal!));
      return (
        reply
          .type(document.mediaType)
          .header("content-disposition", `attachment; filename="order-${request.params.id}"`)
          // RFC 9530 §3: the digest of the representation, so a client can check the bytes it got.
          .header("repr-digest", `sha-256=:${Buffer.from(document.sha256, "hex").toString("base64")}:`)
          .header("x-content-type-options", "nosniff")
          .send(document.bytes)
      );
    },
  );

  app.post(
    "/orders/:id/targets",
    {
      config: { access: "targets:submit" },
      bodyLimit: targetsBodyLimit,
      schema: {
        tags,
        summary: "Propose targets under an order, all or none unless skipInvalid",
        description:
          "Each line is a name, URL, IP or prefix, or {value, kind, until}. Every refused line is reported with " +
          "its index and a stable code; without skipInvalid, one refused line stores nothing (422 " +
          "TARGETS_REJECTED, or the line's own code for a single target).",
        params: idParams,
        body: z
          .object({
            targets: z.array(targetLine).min(1).max(maxTargetsPerRequest),
            skipInvalid: z.boolean().optional(),
          })
          .strict(),
        response: { 201: addTargetsResponse },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const requests = request.body.targets.map((line, index) =>
        typeof line === "string"
          ? { input: line, line: index + 1 }
          : { input: line.value, kind: line.kind, until: line.until, line: index + 1 },
      );
      try {
        const at = now();
        const result = await inTransaction(store.db, async (trx) => {
          const order = await findOrderAs(trx, request.params.id, orderScopeOf(principal));
          const added = await addTargets(trx, order, requests, {
            actor: actorFor(principal),
            now: at,
            skipInvalid: request.body.skipInvalid ?? false,
          });
          // The safeguards' findings land in the same transaction as the targets they are about.
          const findings = await recordFindings(trx, order, added.added, {
            now: at,
            settings: checkSettings,
          });
          return { ...added, findings };
        });
        return reply.code(201).send({ ...withIndexes(result), findings: result.findings });
      } catch (error) {
        throw withRejectedIndexes(error);
      }
    },
  );
}

function indexed(rejected: RejectedTarget[]) {
  return rejected.map((line) => ({ index: line.line - 1, ...line }));
}

function withIndexes(result: AddTargetsResult) {
  return { ...result, rejected: indexed(result.rejected) };
}

/** The refusal names each line by its 0-based index too, as the request's array does. */
function withRejectedIndexes(error: unknown): unknown {
  if (!isDecreeError(error) || !Array.isArray(error.details?.rejected)) return error;
  const rejected = indexed(error.details.rejected as RejectedTarget[]);
  return new DecreeError(
    error.code,
    error.message.replace(/--skip-invalid/g, '"skipInvalid": true'),
    { ...error.details, rejected },
    error.params,
  );
}
