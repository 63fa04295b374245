import { coHostedDomains } from "../../checks/co-hosted-domains.ts";
import { haltRollout } from "../../publish/rollout/halt-rollout.ts";
import { openRollout, type RolloutHalt } from "../../publish/rollout/open-rollout.ts";
import { promoteRollout } from "../../publish/rollout/promote-rollout.ts";
import type { Store } from "../../store/database.ts";
import { classifyAnswer } from "../probes/classify-answer.ts";
import type { DnsProber } from "../probes/dns-prober.ts";
import type { JudgedQuestion } from "../probes/judge-measurements.ts";
import { recordProbeRun } from "../probes/record-probe-run.ts";
import type { ResolverEndpoint } from "../probes/resolver-endpoint.ts";
import { formatResolverEndpoint } from "../probes/resolver-endpoint.ts";
import { listResolvers, type RegisteredResolver } from "../probes/resolvers.ts";
import { canaryApplied } from "./canary-applied.ts";

export interface RolloutCheckSettings {
  /** Names that must keep resolving at every canary (config `releases.controlNames`). */
  controlNames: readonly string[];
  /** Up to this many co-hosted domains of the staged IP entries are asked too. */
  coHostedControlNames: number;
  /** An unfiltered resolver: a control name blocked where it resolves is over-blocked. */
  reference?: ResolverEndpoint | undefined;
  stopPage: readonly string[];
}

export type RolloutCheck = "none" | "waiting" | "halted" | "promoted";

/**
 * One look at the staged rollout. Once every canary has applied it (canary-applied.ts), its control names are
 * asked through each canary's resolvers: the configured top sites, and the sites co-hosted on the staged IP
 * entries (what an address block takes down with it). One of them blocked halts the rollout for a person to
 * decide; all of them resolving promote it to everyone. A canary without a registered resolver cannot be
 * measured, so the rollout waits for one.
 */
export async function checkRollout(
  store: Store,
  prober: DnsProber,
  settings: RolloutCheckSettings,
  now: Date,
): Promise<RolloutCheck> {
  const rollout = await openRollout(store.db);
  if (!rollout) return "none";
  if (rollout.state === "halted") return "halted";
  const canaries = await store.db
    .selectFrom("operators")
    .select(["id", "name"])
    .where("canary", "=", 1)
    .where("removed_at", "is", null)
    .orderBy("name")
    .execute();
  if (canaries.length === 0) return "waiting";
  const measured: Array<{ operator: string; resolvers: RegisteredResolver[] }> = [];
  for (const canary of canaries) {
    const resolvers = await listResolvers(store.db, canary.name);
    if (resolvers.length === 0) return "waiting";
    const operator = { id: Number(canary.id), name: canary.name };
    if (!(await canaryApplied(store.db, { operator, resolvers, rollout, prober }))) return "waiting";
    measured.push({ operator: canary.name, resolvers });
  }
  const candidates = [
    ...new Set([...settings.controlNames, ...(await coHostedControls(store, rollout.targetIds, settings))]),
  ];
  // A control name that an entry released to everyone blocks was decided by a person (a rollout they let
  // proceed): it no longer says anything about this one.
  const decided = await blockedOutside(store, candidates, rollout.targetIds);
  const controls = candidates.filter((name) => !decided.has(name));
  const overBlocked: RolloutHalt["overBlocked"] = [];
  // Every answer is kept as a measurement (probe run of kind `rollout`), so that what a halt or a promotion
  // rested on can be read back, and counts in compliance like any other control name asked.
  const judged: JudgedQuestion<RegisteredResolver>[] = [];
  const startedAt = new Date().toISOString();
  let answered = true;
  asking: for (const { operator, resolvers } of measured) {
    for (const resolver of resolvers) {
      for (const name of controls) {
        const [outcome, reference] = await Promise.all([
          prober.ask(resolver, name, "A"),
          settings.reference ? prober.ask(settings.reference, name, "A") : Promise.resolve(undefined),
        ]);
        const answer = outcome.answer;
        const item = { name, qtype: "A" as const, expectation: "control" as const, targetId: null };
        const classification = classifyAnswer({
          expectation: "control",
          outcome,
          reference,
          stopPage: settings.stopPage,
        });
        const asked = { resolver, item, outcome, phase: "main" as const, at: new Date().toISOString() };
        // No answer proves nothing either way: asked again at the next look.
        if (!answer || (answer.rcode !== "NOERROR" && answer.rcode !== "NXDOMAIN")) {
          judged.push({ ...asked, classification, reference });
          answered = false;
          break asking;
        }
        const blocked =
          answer.rcode === "NXDOMAIN" ||
          answer.addresses.length === 0 ||
          answer.addresses.some((address) => settings.stopPage.includes(address));
        // Without a reference a control name blocked is over-blocking: it is one by choice, a name that resolves.
        const over = classification.verdict === "over-blocked" || (blocked && !settings.reference);
        judged.push({
          ...asked,
          classification: over
            ? { verdict: "over-blocked", detail: classification.detail ?? "control-blocked-at-canary" }
            : classification,
          reference,
        });
        if (over) {
          overBlocked.push({
            operator,
            resolver: formatResolverEndpoint(resolver),
            name,
            answer: answer.rcode === "NXDOMAIN" ? "NXDOMAIN" : answer.addresses.join(" ") || "NODATA",
          });
        }
      }
    }
  }
  if (judged.length > 0) {
    await recordProbeRun(
      store.db,
      {
        kind: "rollout",
        source: "registry",
        releaseId: rollout.releaseId,
        reference: settings.reference ? formatResolverEndpoint(settings.reference) : null,
        startedAt,
        finishedAt: new Date().toISOString(),
      },
      judged,
    );
  }
  if (!answered) return "waiting";
  if (overBlocked.length > 0) {
    await haltRollout(store.db, rollout, { overBlocked }, now);
    return "halted";
  }
  await promoteRollout(store.db, rollout, {
    actor: "system:rollout",
    now,
    reason: `every canary applied it (${measured.map((m) => m.operator).join(", ")}) and its ${controls.length} control names resolve there`,
    action: "release.promoted",
  });
  return "promoted";
}

/** The names an active entry outside the rollout blocks: the name itself, or a domain entry above it. */
async function blockedOutside(
  store: Store,
  names: readonly string[],
  withheld: readonly number[],
): Promise<Set<string>> {
  const parents = (name: string) => name.split(".").map((_, index, labels) => labels.slice(index).join("."));
  const values = [...new Set(names.flatMap(parents))];
  if (values.length === 0) return new Set();
  const rows = await store.db
    .selectFrom("targets")
    .select(["id", "kind", "value"])
    .where("value", "in", values)
    .where("state", "=", "active")
    .where("kind", "in", ["fqdn", "domain"])
    .execute();
  const skip = new Set(withheld);
  const blocked = rows.filter((row) => !skip.has(Number(row.id)));
  return new Set(
    names.filter((name) =>
      blocked.some((row) => row.value === name || (row.kind === "domain" && name.endsWith(`.${row.value}`))),
    ),
  );
}

/** Registrable domains seen on the staged IP and prefix entries, one name each. */
async function coHostedControls(
  store: Store,
  targetIds: readonly number[],
  settings: RolloutCheckSettings,
): Promise<string[]> {
  if (targetIds.length === 0 || settings.coHostedControlNames <= 0) return [];
  const rows = await store.db
    .selectFrom("targets")
    .select("value")
    .where("id", "in", targetIds.slice(0, 500))
    .where("kind", "in", ["ip", "cidr"])
    .execute();
  const names: string[] = [];
  for (const row of rows) {
    if (names.length >= settings.coHostedControlNames) break;
    const hosting = await coHostedDomains(store.db, row.value, { sample: settings.coHostedControlNames });
    for (const site of hosting.sample)
      if (names.length < settings.coHostedControlNames) names.push(site.name);
  }
  return names;
}
