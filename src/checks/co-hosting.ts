import type { TargetState } from "../vocabulary/vocabulary.ts";
import type { Check } from "./check.ts";
import type { CheckRun } from "./check-run.ts";
import { type CoHosting, coHostingOf } from "./co-hosted-domains.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { siteOf } from "./snapshot-addresses.ts";
import { targetAddress, targetHost } from "./target-host.ts";

const name = "co-hosting";

export const defaultCoHostingReviewSites = 1;
export const defaultCoHostingBlockSites = 50;

const livingStates: TargetState[] = ["proposed", "approved", "active", "suspended"];

/**
 * How many sites an address serves: the distinct registrable domains behind it in the passive-DNS observations
 * loaded offline and in the registry's own DNS snapshots, the order's own sites counting as one. More than
 * `coHostingReviewSites` (1: any unrelated site) is `review`, more than `coHostingBlockSites` (50) `block`. At
 * or under it the finding says so (`TARGET_CO_HOSTING_CLEAN`): that, or a recorded statement of exclusive use,
 * is what approving an address needs. With no passive DNS ever loaded a low count says nothing (the snapshots
 * know only the registry's own names), and the finding says that (`TARGET_CO_HOSTING_UNKNOWN`).
 */
export async function prepareCoHosting(run: CheckRun): Promise<Check> {
  const addresses = run.targets.map(targetAddress).filter((address): address is string => address !== null);
  if (addresses.length === 0) return { name, run: () => [] };
  const reviewAbove = run.settings?.coHostingReviewSites ?? defaultCoHostingReviewSites;
  const blockAbove = run.settings?.coHostingBlockSites ?? defaultCoHostingBlockSites;
  const relatedSites = await orderSites(run);
  const found = await coHostingOf(run.context.db, addresses, { relatedSites });
  const byAddress = new Map(found.map((hosting) => [hosting.address, hosting]));
  return {
    name,
    run: (target) => {
      const address = targetAddress(target);
      const hosting = address === null ? undefined : byAddress.get(address);
      return hosting ? [coHostingFinding(hosting, reviewAbove, blockAbove)] : [];
    },
  };
}

function coHostingFinding(hosting: CoHosting, reviewAbove: number, blockAbove: number): Finding {
  const { address, sites } = hosting;
  const evidence = {
    target: address,
    sites,
    atLeast: hosting.atLeast,
    sample: hosting.sample,
    orderSites: hosting.related,
    reviewAbove,
    blockAbove,
    passiveDnsLoaded: hosting.passiveDnsLoaded,
    passiveDns: hosting.passiveDns,
  };
  const listed = hosting.sample.map((seen) => seen.site).join(", ");
  const counted = {
    address,
    sites,
    atLeast: hosting.atLeast ? "yes" : "no",
    sample: listed,
    sampled: listed ? "yes" : "no",
  };
  if (sites > reviewAbove) {
    const block = sites > blockAbove;
    const params = {
      ...counted,
      limit: block ? blockAbove : reviewAbove,
      more: hosting.sample.length < sites ? "yes" : "no",
    };
    return {
      check: name,
      severity: block ? "block" : "review",
      code: "TARGET_CO_HOSTED",
      message: findingMessage("TARGET_CO_HOSTED", params),
      params,
      evidence,
    };
  }
  // The snapshots know only the names submitted to the registry: without passive DNS, a lawful site nobody
  // submitted may share the address unseen, so few sites there is no evidence of exclusive use.
  if (!hosting.passiveDnsLoaded) {
    const params = { address, sample: listed, sampled: sites > 0 ? "yes" : "no" };
    return {
      check: name,
      severity: "info",
      code: "TARGET_CO_HOSTING_UNKNOWN",
      message: findingMessage("TARGET_CO_HOSTING_UNKNOWN", params),
      params,
      evidence,
    };
  }
  return {
    check: name,
    severity: "info",
    code: "TARGET_CO_HOSTING_CLEAN",
    message: findingMessage("TARGET_CO_HOSTING_CLEAN", counted),
    params: counted,
    evidence,
  };
}

/** The registrable domains of the order's names, stored and in this batch: its own sites and mirrors. */
async function orderSites(run: CheckRun): Promise<Set<string>> {
  const rows = await run.context.db
    .selectFrom("targets")
    .select(["kind", "value", "origin", "valid_until"])
    .where("order_id", "=", run.context.order.id)
    .where("kind", "in", ["fqdn", "domain", "url"])
    .where("state", "in", livingStates)
    .execute();
  const hosts = [
    ...rows.map((row) =>
      targetHost({
        kind: row.kind,
        value: row.value,
        origin: row.origin,
        validUntil: row.valid_until,
      }),
    ),
    ...run.targets.map(targetHost),
  ];
  return new Set(hosts.filter((host): host is string => host !== null).map(siteOf));
}
