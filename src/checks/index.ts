import { prepareAddressOperator } from "./address-operator.ts";
import type { Check, CheckContext, CheckedTarget } from "./check.ts";
import { type CheckData, type CheckSettings, loadCheckData } from "./check-data.ts";
import type { ListedCheck } from "./check-run.ts";
import { prepareCoHosting } from "./co-hosting.ts";
import { prepareDnsSnapshot } from "./dns-snapshot.ts";
import { duplicatesConflicts } from "./duplicates-conflicts.ts";
import type { Finding } from "./finding.ts";
import { orderScope } from "./order-scope.ts";
import { protectedNames } from "./protected-names.ts";
import { publicResolvers } from "./public-resolvers.ts";
import { publicSuffixScope } from "./public-suffix-scope.ts";
import { sharedInfrastructure } from "./shared-infrastructure.ts";

/**
 * The safeguards, in the order they run and their findings are shown. Every check runs on every target (a
 * check never knows about the others, and a reviewer needs all the evidence), so the order is the reading
 * order, from the most basic question to the most circumstantial, and from no cost to the costliest:
 * 1. order-scope: does the order reach this target at all (in force, measure, mirrors, validity)?
 * 2. public-suffix-scope: how far does the name reach (a public suffix, a platform's users, a wildcard)?
 * 3. protected-names, 4. public-resolvers and 5. shared-infrastructure: would it cut off the public at large?
 *    In-memory lists.
 * 6. address-operator: who runs an address (ASN, organisation, class); an in-memory table, parsed on first use.
 * 7. duplicates-conflicts: what the registry already holds; asks the store once a batch.
 * 8. co-hosting: how many sites an address serves, from passive DNS and the registry's snapshots in the
 *    store; after the registry's own facts, before the network.
 * A network check (the DNS snapshot) belongs last: it is the slowest and its answer the most circumstantial.
 */
export const checks: readonly ListedCheck[] = [
  {
    name: "order-scope",
    why: "whether the order reaches the target at all comes before what the target reaches",
    prepare: () => orderScope,
  },
  {
    name: "public-suffix-scope",
    why: "how far a name reaches frames every later finding about it",
    prepare: ({ data }) => publicSuffixScope(data),
  },
  {
    name: "protected-names",
    why: "collateral damage to the public at large, from an in-memory list",
    prepare: ({ data }) => protectedNames(data),
  },
  {
    name: "public-resolvers",
    why: "collateral damage to everyone's name resolution, from an in-memory list",
    prepare: ({ data }) => publicResolvers(data),
  },
  {
    name: "shared-infrastructure",
    why: "collateral damage through shared addresses, from an in-memory list",
    prepare: ({ data }) => sharedInfrastructure(data),
  },
  {
    name: "address-operator",
    why: "who runs an address frames how many sites it may serve; an in-memory table",
    prepare: prepareAddressOperator,
  },
  {
    name: "duplicates-conflicts",
    why: "asks the store, once per batch: after the checks that need nothing but the target",
    prepare: duplicatesConflicts,
  },
  {
    name: "co-hosting",
    why: "asks the store's passive-DNS index, once per batch: the costliest store question, before the network",
    prepare: prepareCoHosting,
  },
  {
    name: "dns-snapshot",
    why: "asks the network: the slowest and most circumstantial evidence, so last",
    prepare: prepareDnsSnapshot,
  },
];

export interface RunChecksOptions {
  settings?: CheckSettings;
  /** Data already loaded, e.g. by a caller that runs many batches. */
  data?: CheckData;
  /** Another list (tests, a bench leaving one out); the list above by default. */
  list?: readonly ListedCheck[];
}

/**
 * Runs every listed check on every target of one batch; the findings of target i are at index i, in the
 * order of the list. Lists are loaded and store questions asked once per batch, never per target.
 */
export async function runChecks(
  targets: readonly CheckedTarget[],
  context: CheckContext,
  options: RunChecksOptions = {},
): Promise<Finding[][]> {
  const data = options.data ?? (await loadCheckData(context.db, options.settings));
  const prepared: Check[] = [];
  const settings = options.settings ?? {};
  for (const listed of options.list ?? checks) {
    prepared.push(await listed.prepare({ targets, context, data, settings }));
  }
  const findings: Finding[][] = new Array(targets.length);
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index]!;
    const found: Finding[] = [];
    for (const check of prepared) {
      const result = check.run(target, context);
      found.push(...(result instanceof Promise ? await result : result));
    }
    findings[index] = found;
  }
  return findings;
}
