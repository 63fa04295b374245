import type { Kysely } from "kysely";
import { serialLessThan } from "../../publish/dns/soa-serial.ts";
import type { OpenRollout } from "../../publish/rollout/open-rollout.ts";
import type { Database } from "../../store/database.ts";
import type { DnsProber } from "../probes/dns-prober.ts";
import type { ResolverEndpoint } from "../probes/resolver-endpoint.ts";

export interface CanaryApplication {
  operator: { id: number; name: string };
  resolvers: readonly ResolverEndpoint[];
  rollout: OpenRollout;
  prober: DnsProber;
}

/** How many of the staged entries' names are asked at each resolver: a sample shows the policy is in force. */
const sampleNames = 5;

/**
 * Whether canary X has applied staged serial N: the one place that decides it, so that the signal can change
 * without touching the rollout. Now: the DNS primary saw X transfer serial N or later (recorded per operator),
 * and, a transfer not being the policy in force yet (Unbound applies it some milliseconds after), a sample of
 * the rollout's names answers blocked at each of X's resolvers.
 */
export async function canaryApplied(db: Kysely<Database>, input: CanaryApplication): Promise<boolean> {
  const row = await db
    .selectFrom("operators")
    .select("last_transfer_serial")
    .where("id", "=", input.operator.id)
    .executeTakeFirst();
  const seen = row?.last_transfer_serial;
  if (seen === null || seen === undefined) return false;
  if (serialLessThan(Number(seen), input.rollout.soaSerial)) return false;
  const names = await stagedNames(db, input.rollout);
  for (const resolver of input.resolvers) {
    for (const name of names) {
      const outcome = await input.prober.ask(resolver, name, "A");
      const answer = outcome.answer;
      if (!answer) return false;
      const blocked =
        answer.rcode === "NXDOMAIN" || (answer.rcode === "NOERROR" && answer.addresses.length === 0);
      if (!blocked) return false;
    }
  }
  return true;
}

async function stagedNames(db: Kysely<Database>, rollout: OpenRollout): Promise<string[]> {
  if (rollout.targetIds.length === 0) return [];
  const rows = await db
    .selectFrom("targets")
    .select("value")
    .where("id", "in", rollout.targetIds.slice(0, 500))
    .where("kind", "in", ["fqdn", "domain"])
    .where("state", "=", "active")
    .orderBy("id")
    .limit(sampleNames)
    .execute();
  return rows.map((row) => row.value);
}
