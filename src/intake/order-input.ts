import { z } from "zod";
import { citizenLabCategoryCodes } from "../vocabulary/citizen-lab-categories.ts";
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

const dateTime = z.iso.datetime({
  offset: true,
  error: "expected a date-time with offset (2026-06-01T19:00:00Z or 2026-06-01T21:00:00+02:00)",
});

/**
 * Blocking windows from a calendar of events (RFC 5545 text), each widened by the margins. In an order file,
 * `file` names the .ics file beside it instead of `ics` holding its text.
 */
export const calendarInputSchema = z
  .object({
    ics: z.string().min(1).max(4_000_000).describe("the iCalendar file's text (RFC 5545)"),
    marginBefore: nonEmpty.max(32).optional().describe("before each event's start: 15m, 1h, PT15M"),
    marginAfter: nonEmpty.max(32).optional().describe("after each event's end: 30m, 2h"),
  })
  .strict();

/** One blocking window as written: the interval during which the order's entries are served. */
export const windowInputSchema = z
  .object({ from: dateTime, until: dateTime, label: nonEmpty.max(200).optional() })
  .strict();

export const targetInputSchema = z.union([
  nonEmpty,
  z
    .object({
      value: nonEmpty,
      kind: z.enum(targetKinds).optional(),
      until: dateOrDateTime.optional(),
      windows: z
        .array(windowInputSchema)
        .max(2000)
        .optional()
        .describe("this target's own blocking windows, instead of its order's"),
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
    ede: z
      .union([z.number(), z.string()])
      .optional()
      .describe(
        "the Extended DNS Error (RFC 8914) its blocked answers carry: 15 or blocked, 16 or censored (default), 17 or filtered",
      ),
    testListCategory: z
      .enum(citizenLabCategoryCodes)
      .optional()
      .describe(
        "the Citizen Lab category code its names carry in the open test lists (default FILE; MMED for streaming)",
      ),
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
    windows: z
      .array(windowInputSchema)
      .max(2000)
      .optional()
      .describe("blocking windows: when given, the order's entries are served only during them"),
    calendar: calendarInputSchema.optional().describe("blocking windows from an iCalendar file of events"),
  })
  .strict();

export type OrderInput = z.infer<typeof orderInputSchema>;
export type TargetInput = z.infer<typeof targetInputSchema>;
export type WindowInput = z.infer<typeof windowInputSchema>;
export type CalendarInput = z.infer<typeof calendarInputSchema>;
