import type { Kysely } from "kysely";
import { currentAsnTable } from "../checks/asn-table.ts";
import { type CheckSettings, loadCheckData } from "../checks/check-data.ts";
import { coHostingOf } from "../checks/co-hosted-domains.ts";
import { listPassiveDnsLoads } from "../checks/load-passive-dns.ts";
import type { Database } from "../store/database.ts";
import type { AddressEvidence, AddressOperator } from "./order-collateral.ts";

/** How many passive-DNS loads the source line names; the newest first, as the co-hosting finding does. */
const namedLoads = 3;

/**
 * The collateral's evidence from the same data the checks weigh, so that the public page and a reviewer's
 * findings never disagree: the IP-to-ASN table the address-operator check uses (config `asnDataFolder`, else the
 * newest copy loaded with `decree data update`, else the shipped package), the ASN classes, and the passive-DNS
 * index with the registry's snapshots. Each answer reads the store afresh, so a load or an update shows at once.
 */
export function storeAddressEvidence(db: Kysely<Database>, settings: CheckSettings = {}): AddressEvidence {
  const source: AddressEvidence["source"] = {};
  const operatorsOf = async (values: readonly string[]): Promise<Array<AddressOperator | undefined>> => {
    const table = await currentAsnTable(db, settings.asnDataFolder);
    const { asnClasses } = await loadCheckData(db, settings);
    return values.map((value) => {
      // A prefix spanning several networks is told by the one holding its first address: the page names one
      // operator per entry, and the check's findings list them all.
      const [range] = table.lookup(value);
      if (!range) return undefined;
      return {
        asn: range.asn,
        organisation: range.organisation || null,
        category: asnClasses.get(range.asn)?.class ?? null,
      };
    });
  };
  const coHostedOnEach = async (
    values: readonly string[],
    sampleSize: number,
    exclude?: ReadonlySet<string>,
  ) => {
    const found = await coHostingOf(db, values, {
      sample: sampleSize + (exclude?.size ?? 0),
      relatedSites: exclude,
    });
    return found.map((one) => {
      // Without a loaded file and with no snapshot on the address, nothing is known: not the same as none.
      if (!one.passiveDnsLoaded && one.sample.length === 0) return undefined;
      const others = one.sample.map((seen) => seen.site).filter((site) => !exclude?.has(site));
      // coHostingOf counts the related sites as one site together; the collateral wants them out entirely.
      const count = one.related.length > 0 ? one.sites - 1 : one.sites;
      return { count, sample: others.slice(0, sampleSize) };
    });
  };
  return {
    operatorsOf,
    coHostedOnEach,
    async operatorOf(addressOrPrefix: string) {
      return (await operatorsOf([addressOrPrefix]))[0];
    },
    async coHostedOn(addressOrPrefix: string, sampleSize: number, exclude?: ReadonlySet<string>) {
      return (await coHostedOnEach([addressOrPrefix], sampleSize, exclude))[0];
    },
    async describe() {
      const table = await currentAsnTable(db, settings.asnDataFolder);
      source.asn = `${table.dataset.source}, ${table.dataset.date} (${table.dataset.licence})`;
      const loads = (await listPassiveDnsLoads(db)).filter((load) => load.format !== "pending");
      source.coHosting =
        loads.length === 0
          ? undefined
          : `passive DNS: ${loads
              .slice(0, namedLoads)
              .map((load) => `${load.source} (sha256 ${load.sha256.slice(0, 16)}…, loaded ${load.loadedAt})`)
              .join("; ")}${loads.length > namedLoads ? `; and ${loads.length - namedLoads} earlier` : ""}`;
      return { ...source };
    },
    source,
  };
}
