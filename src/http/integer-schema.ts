import { z } from "zod";
import { type IntegerRange, idRange, parseDecimalInteger } from "../names/parse-decimal-integer.ts";

/** The prefix that tells the error handler a refusal came from the number parser (problem.ts): NUMBER_INVALID. */
export const numberInvalidMarker = "NUMBER_INVALID:";

/**
 * A whole number in a path or query parameter, parsed by the one parser (names/parse-decimal-integer.ts):
 * "0x10", "1e3", "+1", "01", " 1" and "" are refused with 400 NUMBER_INVALID, not read as 16, 1000 or 0.
 * Documented in /openapi.json as a string of digits with its pattern.
 */
export function integerSchema(range: IntegerRange = idRange) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, { error: `${numberInvalidMarker} plain decimal digits expected` })
    .transform((text, context) => {
      const parsed = parseDecimalInteger(text, range);
      if (parsed.ok) return parsed.value;
      context.addIssue({ code: "custom", message: `${numberInvalidMarker} ${parsed.message}` });
      return z.NEVER;
    });
}
