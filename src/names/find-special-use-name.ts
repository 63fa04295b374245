import { type SpecialUseName, specialUseNames } from "./special-use-names.ts";

const byName = new Map(specialUseNames.map((entry) => [entry.name, entry]));

/**
 * The special-use name that `name` (lowercase A-labels, no trailing dot) is or lies under; the longest wins.
 */
export function findSpecialUseName(name: string): SpecialUseName | null {
  let suffix = name;
  for (;;) {
    const entry = byName.get(suffix);
    if (entry) return entry;
    const dot = suffix.indexOf(".");
    if (dot < 0) return null;
    suffix = suffix.slice(dot + 1);
  }
}
