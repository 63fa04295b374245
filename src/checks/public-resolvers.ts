import type { MessageParams } from "../locale/format-message.ts";
import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { targetAddress, targetHost } from "./target-host.ts";

const name = "public-resolvers";

/**
 * The addresses and names of public DNS resolvers (data/public-resolvers.json, each with its operator's page):
 * blocking one cuts name resolution for all its users, not one site, so a target that is, lies inside or
 * contains such an address, or a name at or below a resolver's name, is `block`.
 */
export function publicResolvers(data: CheckData): Check {
  return { name, run: (target) => resolverFindings(target, data) };
}

function resolverFindings(target: CheckedTarget, data: CheckData): Finding[] {
  const address = targetAddress(target);
  if (address !== null) {
    return data.publicResolverAddresses.match(address).map((match) =>
      finding(
        {
          subject: address,
          relation: match.relation === "inside" ? "inside" : "contains",
          listed: match.range,
          kind: "address",
          operator: match.entry.operator,
        },
        { target: address, resolverAddress: match.range, relation: match.relation, ...match.entry },
      ),
    );
  }
  const host = targetHost(target);
  if (host === null) return [];
  return data.publicResolverNames.match(host, target.kind === "domain").map((match) =>
    finding(
      {
        subject: host,
        relation: "reaches",
        listed: match.name,
        kind: "name",
        operator: match.entry.operator,
      },
      {
        name: host,
        resolverName: match.name,
        relation: match.relation,
        ...match.entry,
      },
    ),
  );
}

function finding(params: MessageParams, evidence: Record<string, unknown>): Finding {
  return {
    check: name,
    severity: "block",
    code: "TARGET_PUBLIC_RESOLVER",
    message: findingMessage("TARGET_PUBLIC_RESOLVER", params),
    params,
    evidence,
  };
}
