import type { FeedEntry } from "../feeds/feed-entries.ts";
import type { FeedRenderer } from "./feed-renderer.ts";
import { lineListRenderer } from "./line-list.ts";

/**
 * The lists Italy's Piracy Shield platform serves to ISPs, so that their existing scripts can read decree.
 *
 * Source: the platform's code as published on GitHub in March 2024 (github.com/fuckpiracyshield: `api`,
 * `service`, `component`). `api/v1/routes.py` serves, under the `/api/v1` prefix, `GET /fqdn/get/all/txt`,
 * `/ipv4/get/all/txt` and `/ipv6/get/all/txt`; `ioutils/response.py` (`list_to_txt`) answers
 * `text/plain; charset=UTF-8` with the items joined by "\n" and no final newline; `.../txt/checksum`
 * answers the SHA-256 hex digest of that same joined text (`service/.../get_all_checksum_by_provider.py`,
 * `component/security/checksum.py`). Items are single FQDNs and single addresses: the platform's CIDR rules
 * apply to its whitelist only. Hence: decree's domains appear by their name (the list cannot say "and
 * subdomains"), and prefixes are left out (they are in /feeds/cidr).
 */
export function piracyShieldList(
  genre: "fqdn" | "ipv4" | "ipv6",
  line: (entry: FeedEntry) => string | undefined,
) {
  const renderer: FeedRenderer = lineListRenderer({
    format: `piracy-shield-${genre}`,
    contentType: "text/plain; charset=UTF-8",
    description:
      genre === "fqdn"
        ? "Piracy Shield compatible fqdn list (as /api/v1/fqdn/get/all/txt): names only, no subdomains"
        : `Piracy Shield compatible ${genre} list (as /api/v1/${genre}/get/all/txt): single addresses only, ` +
          "since the platform has no CIDR list; prefixes are in /feeds/cidr",
    line,
    joinWithoutFinalNewline: true,
  });
  return renderer;
}
