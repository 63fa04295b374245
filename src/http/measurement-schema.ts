import { z } from "zod";
import { expectations, verdicts } from "../verify/probes/classify-answer.ts";

/** A stored measurement (verify/probes/list-measurements.ts), as the probe and rollout routes answer it. */
export const measurementSchema = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  operator: z.string(),
  resolver: z.string(),
  name: z.string(),
  qtype: z.string(),
  expectation: z.enum(expectations),
  verdict: z.enum(verdicts),
  detail: z.string().nullable(),
  rcode: z.string().nullable(),
  answers: z.array(z.string()),
  raw: z.string().nullable().describe("the answer's DNS wire format, base64"),
  reference: z
    .object({
      rcode: z.string().optional(),
      answers: z.array(z.string()).optional(),
      failure: z.string().optional(),
    })
    .nullable(),
  attempts: z.number().int(),
  rttMs: z.number().nullable(),
  at: z.string(),
  source: z.string().describe('"registry", or "agent:<name>"'),
});
