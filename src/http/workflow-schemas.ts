import { z } from "zod";
import { errorCatalogue } from "../errors/error-catalogue.ts";
import {
  addresseeRoles,
  checkNames,
  dnsActions,
  enforcerKinds,
  findingCodes,
  measures,
  orderKinds,
  orderStates,
  severities,
  targetKinds,
  targetOrigins,
  targetStates,
  windowSources,
  windowStates,
} from "../vocabulary/vocabulary.ts";
import { integerSchema } from "./integer-schema.ts";

/*
 * The shapes of the workflow on the wire (orders in, targets, decisions, acknowledgments, webhooks). A schema the
 * web UI reads has an id (`.meta({ id })`): it is a named component of /openapi.json, and so a named type of the
 * UI's generated web/src/api-schema.ts (`npm run types:web`).
 */
export const idParams = z.object({ id: integerSchema() });

export const pageQuery = {
  after: integerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER })
    .optional()
    .describe("the `next.after` of the previous page"),
  limit: integerSchema({ min: 1, max: 1000 }).optional().describe("default 100"),
};

export const nextSchema = z.object({ after: z.number().int() }).nullable();

export const addresseeSchema = z.object({
  name: z.string(),
  role: z.enum(addresseeRoles),
  kind: z.enum(enforcerKinds).optional().describe("every operator of this enforcer kind"),
});

export const orderSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(orderKinds),
    authority: z.string(),
    jurisdiction: z.string(),
    caseNumber: z.string(),
    decisionDate: z.string(),
    applicants: z.array(z.string()),
    addressees: z.array(addresseeSchema),
    measures: z.array(z.enum(measures)),
    deadline: z.string(),
    deadlineSeconds: z.number(),
    validFrom: z.string(),
    validUntil: z.string(),
    extendsToMirrors: z.boolean(),
    legalBasis: z.string().nullable(),
    document: z.object({ url: z.string().nullable(), sha256: z.string().nullable() }),
    summary: z.string().nullable(),
    dnsAction: z.enum(dnsActions).nullable(),
    ede: z.number().int().describe("the Extended DNS Error of its blocked answers (RFC 8914): 15, 16 or 17"),
    recordedAt: z.string(),
    recordedBy: z.string(),
    ownerOrganisationId: z.number().int().nullable(),
    confirmedAt: z.string().nullable().describe("null: waits for an authority's confirmation"),
    confirmedBy: z.string().nullable(),
  })
  .meta({ id: "Order" });

/** A blocking window as the public reads it: the interval as enforced, and the event it was widened from. */
export const windowSchema = z
  .object({
    id: z.number().int(),
    targetId: z.number().int().nullable().describe("null: the order's window"),
    startsAt: z.string().describe("the window as enforced, margins included"),
    endsAt: z.string(),
    eventStartsAt: z.string().nullable().describe("the event itself (from a calendar)"),
    eventEndsAt: z.string().nullable(),
    marginBeforeSeconds: z.number().int(),
    marginAfterSeconds: z.number().int(),
    label: z.string().nullable(),
    source: z.enum(windowSources),
    state: z.enum(windowStates),
  })
  .meta({ id: "BlockingWindow" });

/** An order as GET /orders and GET /orders/:id show it: its state now and its targets counted by state. */
export const orderSummarySchema = orderSchema
  .extend({
    state: z.enum(orderStates).describe("from its validity and confirmation, now"),
    targets: z.record(z.enum(targetStates), z.number().int()).describe("its targets counted by state"),
    windows: z
      .array(windowSchema)
      .optional()
      .describe("GET /orders/:id only: its blocking windows (none: its entries are blocked at all times)"),
  })
  .meta({ id: "OrderSummary" });

export const targetSchema = z
  .object({
    id: z.number().int(),
    orderId: z.number().int(),
    kind: z.enum(targetKinds),
    value: z.string(),
    input: z.string(),
    display: z.string(),
    state: z.enum(targetStates),
    validFrom: z.string(),
    validUntil: z.string(),
    origin: z.enum(targetOrigins),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Target" });

/** What a safeguard check found (src/checks/finding.ts); public, as it holds no personal data. */
export const findingSchema = z
  .object({
    check: z.enum(checkNames),
    severity: z.enum(severities),
    code: z.enum(findingCodes),
    message: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: "Finding" });

/** A target with what the safeguards found about it (GET /targets, GET /orders/:id/targets). */
export const targetWithFindingsSchema = targetSchema
  .extend({ findings: z.array(findingSchema).describe("in the order of src/checks/index.ts") })
  .meta({ id: "TargetWithFindings" });

/** A page of targets: `next.after` asks for the following one; null on the last page. */
export const targetPageSchema = z.object({ targets: z.array(targetWithFindingsSchema), next: nextSchema });

export const addedTargetSchema = z.object({
  id: z.number().int(),
  kind: z.enum(targetKinds),
  value: z.string(),
  display: z.string(),
});

export const errorCodeSchema = z.enum(Object.keys(errorCatalogue) as [keyof typeof errorCatalogue]);

export const rejectedTargetSchema = z.object({
  index: z.number().int().describe("0-based position in the request's `targets`"),
  line: z.number().int().describe("1-based, as in an imported file"),
  input: z.string(),
  code: errorCodeSchema,
  message: z.string(),
});

export const decidedTargetSchema = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  value: z.string(),
  kind: z.enum(targetKinds),
  from: z.enum(targetStates),
  to: z.enum(targetStates),
});
