import { z } from "zod";

import { appealDecisions, appealScopes } from "../vocabulary/vocabulary.ts";

// An appeal's life: filed `open`; the authority may `suspend` the entry at once while it looks (the appeal is
// then `suspended`); it ends `upheld` (the entry stays, or comes back) or `lifted` (the entry goes for good).
export {
  type AppealDecision,
  type AppealScope,
  type AppealState,
  appealStates,
} from "../vocabulary/vocabulary.ts";

/** What anyone sends to file an appeal; `contact` is personal data and stays out of every public answer. */
export const appealInputSchema = z
  .object({
    target: z
      .string()
      .trim()
      .min(1, "name the entry: its target id (on the stop page) or the blocked name or URL")
      .max(2048)
      .describe("the entry's target id, or the blocked name or URL"),
    reason: z
      .string()
      .trim()
      .min(1, "say why the entry is wrong")
      .max(5000)
      .describe("why the entry is wrong; it is on the public record, so put no personal data in it"),
    contact: z
      .email({ error: "must be an email address where the authority can answer you" })
      .max(254)
      .describe("where the authority answers; never shown publicly"),
    order: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe("the order's id, when the name is blocked under several orders"),
  })
  .strict();

export type AppealInput = z.infer<typeof appealInputSchema>;

export const appealDecisionSchema = z
  .object({
    decision: z.enum(appealDecisions),
    reason: z.string().trim().min(1, "say why: every decision on an appeal is on the record").max(5000),
    scope: z
      .enum(appealScopes)
      .optional()
      .describe(
        "entry: the appealed entry alone; site: with it the order's other entries for the same registrable " +
          "domain (the appeal's siblings), all or none. Unset: entry for a suspension; for upholding or " +
          "lifting, the scope the appeal was suspended with",
      ),
  })
  .strict();
