import { type AsnTable, currentAsnTable } from "./asn-table.ts";
import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData, ClassifiedNetwork } from "./check-data.ts";
import type { CheckRun } from "./check-run.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { targetAddress } from "./target-host.ts";

const name = "address-operator";

const severityOf = {
  cdn: "block",
  cloud: "block",
  "public-dns": "block",
  hosting: "review",
  access: "info",
} as const;

/**
 * Who operates an address: its autonomous system and organisation from the IP-to-ASN dataset (shipped, offline,
 * dated, CC-BY-4.0; or a newer copy loaded with `decree data update FOLDER`), and the network's class from data/asn-classes.json. A CDN, a cloud or a public resolver is
 * `block`, a hosting company `review`; any other network is told as `info`, so every address target shows who
 * runs it. The table is parsed once per process, on the first batch that has an address.
 */
export async function prepareAddressOperator(run: CheckRun): Promise<Check> {
  const hasAddress = run.targets.some((target) => targetAddress(target) !== null);
  if (!hasAddress) return { name, run: () => [] };
  const table = await currentAsnTable(run.context.db, run.settings?.asnDataFolder);
  return { name, run: (target) => operatorFindings(target, table, run.data) };
}

function operatorFindings(target: CheckedTarget, table: AsnTable, data: CheckData): Finding[] {
  const address = targetAddress(target);
  if (address === null) return [];
  const dataset = {
    source: table.dataset.source,
    licence: table.dataset.licence,
    date: table.dataset.date,
  };
  const ranges = table.lookup(address);
  if (ranges.length === 0) {
    return [
      {
        check: name,
        severity: "info",
        code: "TARGET_ASN",
        ...messageOf("TARGET_ASN", { variant: "unannounced", address, date: dataset.date }),
        evidence: { target: address, asn: null, dataset },
      },
    ];
  }
  const byAsn = new Map<number, typeof ranges>();
  for (const range of ranges) byAsn.set(range.asn, [...(byAsn.get(range.asn) ?? []), range]);
  return [...byAsn.entries()].map(([asn, held]) => {
    const network = data.asnClasses.get(asn);
    const organisation = held[0]!.organisation;
    const evidence = {
      target: address,
      asn,
      organisation,
      ranges: held.map((range) => `${range.first}-${range.last}`),
      class: network?.class ?? null,
      classSource: network?.source ?? null,
      classList: network?.list ?? null,
      dataset,
    };
    if (!network) {
      return {
        check: name,
        severity: "info",
        code: "TARGET_ASN",
        ...messageOf("TARGET_ASN", { variant: "unclassified", address, asn, organisation }),
        evidence,
      };
    }
    return classified(address, asn, organisation, network, evidence);
  });
}

function classified(
  address: string,
  asn: number,
  organisation: string,
  network: ClassifiedNetwork,
  evidence: Record<string, unknown>,
): Finding {
  const severity = severityOf[network.class];
  const code =
    severity === "block" ? "TARGET_ASN_SHARED" : severity === "review" ? "TARGET_ASN_HOSTING" : "TARGET_ASN";
  return {
    check: name,
    severity,
    code,
    ...messageOf(code, { variant: "classified", class: network.class, address, asn, organisation }),
    evidence,
  };
}

function messageOf(code: Finding["code"], params: Record<string, string | number>) {
  return { message: findingMessage(code, params), params };
}
