import type { OrderInput } from "../../src/intake/order-input.ts";
import { validateOrderInput } from "../../src/intake/parse-order-file.ts";

let caseCounter = 0;

/** A valid order in force from 2026-01-01 for a year; each call has its own case number. */
export function sampleOrder(overrides: Record<string, unknown> = {}): OrderInput {
  caseCounter += 1;
  return validateOrderInput(
    {
      kind: "court-decision",
      authority: "Tribunal judiciaire de Paris",
      jurisdiction: "fr",
      caseNumber: `RG 26/${String(caseCounter).padStart(5, "0")}`,
      decisionDate: "2025-12-20",
      applicants: ["APC"],
      addressees: [
        { name: "Orange", role: "operator" },
        { name: "Google", role: "search-engine" },
      ],
      measures: ["dns-block", "delist"],
      deadline: "15 days",
      validity: { from: "2026-01-01", duration: "P12M" },
      ...overrides,
    },
    "sample order",
  );
}

/** A moment inside the sample order's validity. */
export const duringOrder = new Date("2026-06-01T12:00:00Z");
