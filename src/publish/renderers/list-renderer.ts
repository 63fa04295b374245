import { lineListRenderer } from "./line-list.ts";

/** Every blocked name, one per line: domains and exact names alike (a plain list cannot tell them apart). */
export const listRenderer = lineListRenderer({
  format: "list",
  description:
    "blocked names, one per line (domains and exact names alike); ?since=N gives -name/+name lines",
  line: (entry) => (entry.kind === "fqdn" || entry.kind === "domain" ? entry.value : undefined),
});
