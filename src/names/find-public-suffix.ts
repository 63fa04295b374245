import { getPublicSuffix, parse } from "tldts";
import { pslOptions } from "./psl-options.ts";

export type PublicSuffixSection = "ICANN" | "private";

/**
 * The Public Suffix List section in which `name` (lowercase A-labels, no trailing dot) is itself a public
 * suffix, or null if it is not one. tldts answers every name with some suffix (its implicit "*" rule makes
 * any unknown last label a suffix); only names the list really has count.
 */
export function findPublicSuffix(name: string): PublicSuffixSection | null {
  if (getPublicSuffix(name, pslOptions) !== name) return null;
  const result = parse(name, pslOptions);
  if (result.isIcann) return "ICANN";
  if (result.isPrivate) return "private";
  return null;
}
