import { lineListRenderer } from "./line-list.ts";

/** Every blocked address as a prefix (an address is its /32 or /128), IPv4 and IPv6, one per line. */
export const cidrRenderer = lineListRenderer({
  format: "cidr",
  description: "blocked addresses and prefixes in CIDR notation, one per line; ?since=N gives -/+ lines",
  line: (entry) => {
    if (entry.kind === "cidr") return entry.value;
    if (entry.kind === "ip") return `${entry.value}/${entry.value.includes(":") ? 128 : 32}`;
    return undefined;
  },
});
