import { readFileSync } from "node:fs";

/** When the limit cannot be read: the usual soft limit of a Linux login, which every default fits within. */
const fallback = 1024;

/**
 * The soft limit on open files of this process (RLIMIT_NOFILE), which Node raises to the hard limit at start;
 * Node has no getrlimit, so it is read from /proc/self/limits where there is one.
 */
export function softDescriptorLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((text) => text.startsWith("Max open files"));
    const soft = line ? Number(line.split(/\s{2,}/)[1]) : Number.NaN;
    return Number.isSafeInteger(soft) && soft > 0 ? soft : fallback;
  } catch {
    return fallback;
  }
}
