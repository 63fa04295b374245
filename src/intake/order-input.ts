import { z } from "zod";
import {
  addresseeRoles,
  dnsActions,
  enforcerKinds,
  measures,
  orderKinds,
  targetKinds,
} from "../vocabulary/vocabulary.ts";

export { type DnsAction, dnsActions, type Measure } from "../vocabulary/vocabulary.ts";

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "expected a date (2013-11-28) or a date-time with offset (2013-11-28T10:00:00+01:00)",
});

const nonEmpty = z.string().trim().min(1, "must not be empty");

export const targetInputSchema = z.union([
  nonEmpty,
  z
    .object({
      value: nonEmpty,
      kind: z.enum(targetKinds).optional(),
      until: dateOrDateTime.optional(),
    })
    .strict(),
]);

/**
 * An order as a person writes it in YAML or JSON. Field names are the interface scripts write against; see
 * data/demo/allostreaming-2013.yaml for a complete example.
 */
export const orderInputSchema = z
  .object({
    kind: z.enum(orderKinds),
    authority: nonEmpty.describe("the court or authority that decided"),
    jurisdiction: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as FR")
      .transform((s) => s.toUpperCase()),
    caseNumber: nonEmpty,
    decisionDate: z.iso.date({ error: "must be a date such as 2013-11-28" }),
    applicants: z.array(nonEmpty).min(1, "name at least one applicant (rights holder)"),
    addressees: z
      .array(
        z
          .object({
            name: nonEmpty,
            role: z.enum(addresseeRoles),
            kind: z
              .enum(enforcerKinds)
              .optional()
              .describe("every operator of this kind is addressed; name is how the order calls them"),
          })
          .strict(),
      )
      .min(1, "name at least one addressee (an operator or a search engine)"),
    measures: z
      .array(z.enum(measures))
      .min(1, "name at least one measure: dns-block, ip-block or delist")
      .refine((list) => new Set(list).size === list.length, "list each measure once"),
    deadline: nonEmpty.describe("time to apply after notification: P15D, PT30M, '15 days'"),
    validity: z
      .object({
        from: dateOrDateTime,
        until: dateOrDateTime.optional(),
        duration: nonEmpty.optional(),
      })
      .strict()
      .refine((v) => (v.until === undefined) !== (v.duration === undefined), {
        message: "give either validity.until or validity.duration (e.g. P12M), not both and not neither",
      }),
    extendsToMirrors: z.boolean().default(false),
    dnsAction: z.enum(dnsActions).optional().describe("how resolvers answer for this order's names"),
    legalBasis: nonEmpty.optional(),
    document: z
      .object({
        url: z.url().optional(),
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, "must be the document's SHA-256 as 64 hexadecimal digits")
          .transform((s) => s.toLowerCase())
          .optional(),
      })
      .strict()
      .optional(),
    summary: nonEmpty.optional(),
    targets: z.array(targetInputSchema).optional(),
  })
  .strict();

export type OrderInput = z.infer<typeof orderInputSchema>;
export type TargetInput = z.infer<typeof targetInputSchema>;
