import type { Kysely } from "kysely";
import { serialLessThan } from "../../publish/dns/soa-serial.ts";
import type { OpenRollout } from "../../publish/rollout/open-rollout.ts";
import type { Database } from "../../store/database.ts";
import { currentCanaryName, readCanary } from "../probes/canary-serials.ts";
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
 * without touching the rollout. Measured, not inferred: each of X's resolvers is asked the zone's canary name
 * (probes/canary-serials.ts), whose TXT names the release the resolver applies; every one must name N or
 * later. A zone without a canary record falls back to what the primary and the policy show: X transferred
 * serial N or later, and a sample of the rollout's names answers blocked at each of its resolvers.
 */
export async function canaryApplied(db: Kysely<Database>, input: CanaryApplication): Promise<boolean> {
  const canaryName = await currentCanaryName(db);
  if (canaryName !== undefined) {
    for (const resolver of input.resolvers) {
      const reading = readCanary(await input.prober.ask(resolver, canaryName, "TXT"));
      if (reading.serial === null || serialLessThan(reading.serial, input.rollout.serial)) return false;
    }
    return input.resolvers.length > 0;
  }
  return transferredAndBlocking(db, input);
}

async function transferredAndBlocking(db: Kysely<Database>, input: CanaryApplication): Promise<boolean> {
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
