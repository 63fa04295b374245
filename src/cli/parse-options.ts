import { InvalidArgumentError } from "commander";
import { type IntegerRange, idRange, parseDecimalInteger } from "../names/parse-decimal-integer.ts";

/**
 * A whole-number flag or argument, read by the one parser routes use too (names/parse-decimal-integer.ts):
 * "0x10", "1e3", "+1" and "" are refused (exit code 2, NUMBER_INVALID), never read as 16, 1000 or 0.
 */
function integerOption(range: IntegerRange): (value: string) => number {
  return (value) => {
    const parsed = parseDecimalInteger(value, range);
    if (!parsed.ok) throw new InvalidArgumentError(`NUMBER_INVALID: ${parsed.message}.`);
    return parsed.value;
  };
}

export const positiveInteger = integerOption(idRange);
/** How many rows a listing prints at most: the same bound as the HTTP API's `limit`. */
export const listLimit = integerOption({ min: 1, max: 1000 });
