import { mapLimited } from "../map-limited.ts";
import type { DnsProber, ProbeOutcome } from "./dns-prober.ts";
import type { ProbeItem } from "./probe-plan.ts";
import type { ResolverEndpoint } from "./resolver-endpoint.ts";

/** One question to one resolver and what came back, before any judgement. */
export interface AskedQuestion<R extends ResolverEndpoint = ResolverEndpoint> {
  resolver: R;
  item: ProbeItem;
  outcome: ProbeOutcome;
  /** Control names are asked before and after the others, as OONI and Censored Planet do. */
  phase: "before" | "main" | "after";
  at: string;
}

export interface AskOptions {
  prober: DnsProber;
  /** Questions in flight at once, over every resolver. */
  concurrency?: number;
  now?: () => Date;
}

/**
 * Asks every resolver every item, with the control names asked of each resolver just before and just after its
 * other questions: a resolver that fails its controls (down, or blocking everything) cannot show enforcement.
 * Resolvers are asked side by side; all questions share the prober's sockets and the concurrency limit.
 */
export async function askResolvers<R extends ResolverEndpoint>(
  resolvers: readonly R[],
  items: readonly ProbeItem[],
  options: AskOptions,
): Promise<AskedQuestion<R>[]> {
  const now = options.now ?? (() => new Date());
  const controls = items.filter((item) => item.expectation === "control");
  const others = items.filter((item) => item.expectation !== "control");
  const limit = Math.max(1, Math.floor((options.concurrency ?? 256) / Math.max(1, resolvers.length)));
  const perResolver = await Promise.all(
    resolvers.map(async (resolver) => {
      const ask = (phase: AskedQuestion["phase"]) => async (item: ProbeItem) => {
        const outcome = await options.prober.ask(resolver, item.name, item.qtype);
        return { resolver, item, outcome, phase, at: now().toISOString() };
      };
      const before = await mapLimited(controls, limit, ask("before"));
      const main = await mapLimited(others, limit, ask("main"));
      const after = await mapLimited(controls, limit, ask("after"));
      return [...before, ...main, ...after];
    }),
  );
  return perResolver.flat();
}

/** Asks the reference resolver each distinct question once. */
export async function askReference(
  reference: ResolverEndpoint | undefined,
  items: readonly ProbeItem[],
  options: AskOptions,
): Promise<Map<string, ProbeOutcome>> {
  const answers = new Map<string, ProbeOutcome>();
  if (!reference) return answers;
  const unique = [...new Map(items.map((item) => [questionKey(item), item])).values()];
  const outcomes = await mapLimited(unique, options.concurrency ?? 256, (item) =>
    options.prober.ask(reference, item.name, item.qtype),
  );
  for (const [index, item] of unique.entries()) answers.set(questionKey(item), outcomes[index]!);
  return answers;
}

export function questionKey(item: { name: string; qtype: string }): string {
  return `${item.name.toLowerCase()} ${item.qtype}`;
}
