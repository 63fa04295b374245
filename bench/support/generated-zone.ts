import type { OwnerLookup } from "../../src/publish/feeds/feed-entries.ts";
import { rpzIpOwner, type ZoneRecord } from "../../src/publish/rpz-records.ts";

/**
 * A made-up zone of `size` entries, generated page by page rather than read from the store: per ten entries,
 * five domains (`x` and `*.x`), four exact names and one address (one in four IPv6, one in twenty a /24).
 * One entry in 97 has the stop page (A and AAAA), one in 13 NODATA, the rest NXDOMAIN. Records come in the
 * store's binary order by blocks: every wildcard first, then the rpz-ip owners, then the plain names, so a
 * domain's two owners are far apart, as in SQLite. `lookup` answers from the same rule, without a store.
 */
export function generatedZone(size: number, pageSize = 5000) {
  const kindOf = (i: number) => (i % 10 < 5 ? "domain" : i % 10 < 9 ? "fqdn" : "address");
  const name = (i: number) => `s${String(i).padStart(8, "0")}.example.com`;
  const indexOf = (owner: string) =>
    Number(owner.slice(owner.startsWith("*.") ? 3 : 1, owner.startsWith("*.") ? 11 : 9));
  const data = (owner: string, i: number): ZoneRecord[] => {
    if (i % 97 === 0) {
      return [
        { owner, rtype: "A", rdata: "192.0.2.80" },
        { owner, rtype: "AAAA", rdata: "2001:db8::80" },
      ];
    }
    return [{ owner, rtype: "CNAME", rdata: i % 13 === 0 ? "*." : "." }];
  };
  const addressOwner = (i: number) => {
    const j = Math.floor(i / 10);
    if (j % 4 === 3)
      return rpzIpOwner(`2001:db8:${(j >>> 16).toString(16)}:${(j & 0xffff).toString(16)}::1/128`);
    const [a, b, c] = [1 + ((j >>> 16) % 223), (j >>> 8) & 255, j & 255];
    return j % 20 === 1 ? `24.0.${c}.${b}.${a}.rpz-ip` : `32.7.${c}.${b}.${a}.rpz-ip`;
  };

  async function* pages(): AsyncGenerator<ZoneRecord[]> {
    let page: ZoneRecord[] = [];
    const blocks: Array<(i: number) => ZoneRecord[]> = [
      (i) => (kindOf(i) === "domain" ? data(`*.${name(i)}`, i) : []),
      (i) => (kindOf(i) === "address" ? data(addressOwner(i), i) : []),
      (i) => (kindOf(i) === "address" ? [] : data(name(i), i)),
    ];
    for (const block of blocks) {
      for (let i = 0; i < size; i += 1) {
        for (const record of block(i)) page.push(record);
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  }

  const lookup: OwnerLookup = async (owners) =>
    owners.flatMap((owner) => {
      const i = indexOf(owner);
      const exists = owner.startsWith("*.") ? kindOf(i) === "domain" : kindOf(i) !== "address";
      return exists ? data(owner, i) : [];
    });

  return { pages: pages(), lookup };
}
