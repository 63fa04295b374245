import { z } from "zod";
import {
  appealScopes,
  appealStates,
  eventActions,
  targetKinds,
  targetStates,
} from "../vocabulary/vocabulary.ts";

/** The response schemas of the appeal routes: what /openapi.json documents and the serializer checks. */
export const appealViewSchema = z
  .object({
    id: z.number().int(),
    state: z.enum(appealStates),
    reason: z.string(),
    filedAt: z.string(),
    updatedAt: z.string(),
    target: z.object({
      id: z.number().int(),
      kind: z.enum(targetKinds),
      value: z.string(),
      display: z.string(),
      state: z.enum(targetStates),
    }),
    order: z.object({
      id: z.number().int(),
      authority: z.string(),
      caseNumber: z.string(),
      decisionDate: z.string(),
      jurisdiction: z.string(),
    }),
    siblings: z
      .array(
        z.object({
          id: z.number().int(),
          kind: z.enum(targetKinds),
          value: z.string(),
          display: z.string(),
          state: z.enum(targetStates),
        }),
      )
      .describe(
        "the order's other entries for the same site (registrable domain) that a decision of scope site changes too",
      ),
    contact: z.string().optional().describe("only for the authority, who answers the appellant"),
  })
  .meta({ id: "Appeal" });

export const appealStepSchema = z.object({
  at: z.string(),
  action: z.enum(eventActions),
  from: z.string().nullable(),
  to: z.string().nullable(),
  reason: z.string().nullable(),
  text: z
    .string()
    .describe("what the step says to a person, in the language Accept-Language chose (English without it)"),
});

export const filedAppealSchema = z.object({
  id: z.number().int(),
  state: z.literal("open"),
  targetId: z.number().int(),
  orderId: z.number().int(),
  filedAt: z.string(),
  token: z.string().describe("shown once: the follow link's secret"),
  follow: z.string().describe("the appeal's follow link"),
});

export const decidedAppealSchema = z.object({
  id: z.number().int(),
  from: z.enum(appealStates),
  to: z.enum(appealStates),
  target: z
    .object({ id: z.number().int(), from: z.string(), to: z.string() })
    .nullable()
    .describe("what the decision did to the entry; null when nothing changed"),
  scope: z.enum(appealScopes).describe("what the decision acted on: the entry alone, or the whole site"),
  siblings: z
    .array(z.object({ id: z.number().int(), from: z.string(), to: z.string() }))
    .describe("what it did to the order's other entries for the site: those it changed"),
});

/** A follow token as newSecret makes it: 32 random bytes in base64url. */
export const followTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a follow token");
