import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Command, Option } from "commander";
import { findUserByEmail } from "../../accounts/users.ts";
import { checkSettings } from "../../checks/check-settings.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { idRange, parseDecimalInteger } from "../../names/parse-decimal-integer.ts";
import { collateralControlNames } from "../../registry/collateral-control-names.ts";
import { storeAddressEvidence } from "../../registry/store-address-evidence.ts";
import { listMeasurements, measurementsCsv } from "../../verify/probes/list-measurements.ts";
import { addProbeAgent, listProbeAgents } from "../../verify/probes/probe-agents.ts";
import {
  type OperatorProbeCompliance,
  probeCompliance,
  probeComplianceByOrder,
} from "../../verify/probes/probe-compliance.ts";
import { parseResolverEndpoint, type ResolverEndpoint } from "../../verify/probes/resolver-endpoint.ts";
import { runProbeAgentRound } from "../../verify/probes/run-probe-agent.ts";
import { runProbeSweep } from "../../verify/probes/run-probe-sweep.ts";
import { actorOf, configOf, globalOptions, withStore } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText } from "../cli-texts.ts";
import { output, table } from "../output.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `decree probe`: measured compliance. `run` sweeps now, `report` prints what was measured, `agent add|list`
 * registers agents; and `decree probe --registry URL --token T` is the agent itself, run inside an operator's
 * network.
 */
export function probeCommand(): Command {
  const probe = new Command("probe")
    .option("--registry <url>", "agent mode: the registry's base URL")
    .option("--token <token>", "agent mode: the agent's token (or env DECREE_PROBE_TOKEN)")
    .option(
      "--key <file>",
      "agent mode: the agent's Ed25519 key, created on first run",
      "decree-probe-agent.pem",
    )
    .option(
      "--resolver <host:port>",
      "agent mode: ask this resolver instead of the registry's list (repeatable)",
      collect,
    )
    .option("--interval <seconds>", "agent mode: seconds between rounds", "900")
    .option("--once", "agent mode: one round, then exit")
    .action(async (options: AgentCliOptions, command: Command) => {
      if (!options.registry) {
        command.help({ error: true });
        return;
      }
      await runAgent(options, command);
    });

  probe
    .command("run")
    .description("probe every registered resolver (or one operator's) now and print compliance per operator")
    .option("--operator <name>", "one operator only")
    .option(
      "--reference <host:port>",
      "an unfiltered resolver to compare with (default: config checkResolver)",
    )
    .option("--control <name>", "a name that must resolve normally everywhere (repeatable)", collect, [])
    .option(
      "--collateral-controls <n>",
      "also ask up to n domains co-hosted on blocked addresses, as controls: over-blocking measured",
      "0",
    )
    .option("--sample <n>", "at most this many blocked names, drawn at random", "2000")
    .option("--concurrency <n>", "questions in flight at once", "256")
    .option("--timeout <ms>", "per attempt", "1500")
    .action(async (options: RunOptions, command: Command) => {
      const config = configOf(command);
      const reference = options.reference
        ? parseResolverEndpoint(options.reference)
        : config.checkResolver && { ...config.checkResolver, transport: "udp" as const };
      const result = await withStore(command, async (store) => {
        const sweep = await runProbeSweep(store, {
          operator: options.operator,
          reference,
          stopPage: [config.stopPage.ipv4, config.stopPage.ipv6].filter((a) => a !== undefined),
          controls: [
            ...options.control,
            ...(options.collateralControls === "0"
              ? []
              : await collateralControlNames(
                  store.db,
                  positive(options.collateralControls, "--collateral-controls"),
                  storeAddressEvidence(store.db, checkSettings(config)),
                )),
          ],
          sample: positive(options.sample, "--sample"),
          concurrency: positive(options.concurrency, "--concurrency"),
          timeoutMs: positive(options.timeout, "--timeout"),
        });
        return { sweep, operators: await probeCompliance(store.db, options.operator) };
      });
      output(globalOptions(command).json, result, () =>
        [
          cliText(localeOf(command), "probe.swept", {
            resolvers: result.sweep.resolvers,
            queries: result.sweep.queries,
            names: result.sweep.names,
            runId: result.sweep.runId,
          }),
          ...(reference
            ? []
            : ["  no reference resolver: blocks are unverified (give --reference HOST:PORT)"]),
          complianceText(result.operators),
        ].join("\n"),
      );
    });

  probe
    .command("report")
    .description("print the stored measurements (and the compliance they add up to)")
    .option("--operator <name>", "one operator only")
    .option("--since <iso-time>", "measurements taken at or after this time")
    .option("--csv", "every measurement as CSV (RFC 4180), raw answers included")
    .action(async (options: ReportOptions, command: Command) => {
      await withStore(command, async (store) => {
        if (options.csv) {
          for await (const chunk of measurementsCsv(store.db, options)) process.stdout.write(chunk);
          return;
        }
        const operators = await probeCompliance(store.db, options.operator);
        const byOrder = await probeComplianceByOrder(store.db, options.operator);
        const measurements = await listMeasurements(store.db, { ...options, limit: 100_000 });
        output(globalOptions(command).json, { operators, byOrder, measurements }, () =>
          [
            complianceText(operators),
            "",
            measurements.length === 0
              ? "no measurements yet; run `decree probe run`"
              : table([
                  ["AT", "OPERATOR", "RESOLVER", "NAME", "EXPECTED", "VERDICT", "DETAIL", "SOURCE"],
                  ...measurements.map((m) => [
                    m.at,
                    m.operator,
                    m.resolver,
                    m.name,
                    m.expectation,
                    m.verdict,
                    m.detail ?? "",
                    m.source,
                  ]),
                ]),
          ].join("\n"),
        );
      });
    });

  const agent = probe
    .command("agent")
    .description("probe agents, which measure from inside operators' networks");
  agent
    .command("add")
    .description("register a probe agent; its token is printed once")
    .argument("<name>", "the agent's name, e.g. orange-paris-1")
    .requiredOption("--operator <name>", "the operator whose network it measures")
    .requiredOption("--user <email>", "the operator's (or authority's) user the token belongs to")
    .addOption(
      new Option("--public-key <base64>", "pin the agent's Ed25519 key now rather than on first use"),
    )
    .action(async (name: string, options: AgentAddOptions, command: Command) => {
      const added = await withStore(command, async (store) => {
        await findUserByEmail(store.db, options.user);
        return addProbeAgent(
          store.db,
          { name, operator: options.operator, user: options.user, publicKey: options.publicKey },
          { actor: actorOf(command), now: new Date() },
        );
      });
      output(globalOptions(command).json, added, () =>
        [
          `registered probe agent ${added.agent.name}; its token (until ${added.expiresAt}):`,
          `  ${added.token}`,
          "  Keep it now: decree will not show it again. On the agent's machine:",
          `  DECREE_PROBE_TOKEN=… decree probe --registry https://REGISTRY`,
        ].join("\n"),
      );
    });
  agent
    .command("list")
    .description("list probe agents")
    .action(async (_options: unknown, command: Command) => {
      const agents = await withStore(command, (store) => listProbeAgents(store.db));
      output(globalOptions(command).json, { agents }, () =>
        agents.length === 0
          ? "no probe agents; register one with `decree probe agent add NAME --operator OP --user EMAIL`"
          : table([
              ["NAME", "KEY PINNED", "LAST SEEN"],
              ...agents.map((a) => [a.name, a.publicKey ? "yes" : "not yet", a.lastSeenAt ?? "never"]),
            ]),
      );
    });
  return probe;
}

interface AgentCliOptions {
  registry?: string;
  token?: string;
  key: string;
  resolver?: string[];
  interval: string;
  once?: boolean;
}

interface RunOptions {
  operator?: string;
  reference?: string;
  control: string[];
  collateralControls: string;
  sample: string;
  concurrency: string;
  timeout: string;
}

interface ReportOptions {
  operator?: string;
  since?: string;
  csv?: boolean;
}

interface AgentAddOptions {
  operator: string;
  user: string;
  publicKey?: string;
}

async function runAgent(options: AgentCliOptions, command: Command): Promise<void> {
  const token = options.token ?? process.env.DECREE_PROBE_TOKEN ?? tokenFromFile();
  if (!token) {
    throw new DecreeError(
      "PROBE_AGENT_INVALID",
      "The agent needs its token: --token T, or DECREE_PROBE_TOKEN (kept out of the process list).",
    );
  }
  const resolvers: ResolverEndpoint[] | undefined = options.resolver?.map((text) =>
    parseResolverEndpoint(text),
  );
  const intervalMs = positive(options.interval, "--interval") * 1000;
  for (;;) {
    const round = await runProbeAgentRound({
      registry: options.registry!,
      token,
      keyFile: options.key,
      resolvers,
    });
    output(globalOptions(command).json, round, () =>
      cliText(localeOf(command), "probe.round", {
        at: new Date().toISOString(),
        agent: round.agent,
        operator: round.operator,
        measurements: round.measurements,
        resolvers: round.resolvers,
        runs: round.runIds.join(","),
      }),
    );
    if (options.once) return;
    await sleep(intervalMs);
  }
}

function tokenFromFile(): string | undefined {
  const file = process.env.DECREE_PROBE_TOKEN_FILE;
  return file ? readFileSync(file, "utf8").trim() : undefined;
}

function positive(text: string, flag: string): number {
  const parsed = parseDecimalInteger(text, idRange);
  if (!parsed.ok) throw new DecreeError("NUMBER_INVALID", `${flag}: ${parsed.message}.`);
  return parsed.value;
}

function complianceText(operators: OperatorProbeCompliance[]): string {
  if (operators.length === 0) return "no operator has resolvers to probe";
  return (
    table([
      [
        "OPERATOR",
        "ENFORCED",
        "NOT ENFORCED",
        "OVER-BLOCKED",
        "ERROR",
        "SHARE",
        "TIME TO ENFORCE p50/p95/max",
        "OVER-BLOCKED NAMES",
      ],
      ...operators.map((o) => [
        o.operator,
        String(o.counts.enforced),
        String(o.counts.notEnforced),
        String(o.counts.overBlocked),
        String(o.counts.error),
        o.shareEnforced === null ? "-" : `${(o.shareEnforced * 100).toFixed(1)}%`,
        o.timeToEnforce.count === 0
          ? `- (${o.timeToEnforce.pending} pending)`
          : `${o.timeToEnforce.p50Ms}/${o.timeToEnforce.p95Ms}/${o.timeToEnforce.maxMs} ms (${o.timeToEnforce.count}, ${o.timeToEnforce.pending} pending)`,
        o.overBlockedNames.join(",") || "-",
      ]),
    ]) + canaryText(operators)
  );
}

/** Each resolver's canary: the serial it applied, how far behind, and the acks it contradicts. */
function canaryText(operators: OperatorProbeCompliance[]): string {
  const rows = operators.flatMap((o) =>
    o.canaries.map((canary) => [
      o.operator,
      canary.resolver,
      canary.appliedSerial === null ? `- (${canary.problem ?? "not asked"})` : String(canary.appliedSerial),
      canary.releasesBehind === null ? "-" : String(canary.releasesBehind),
      canary.lagMs === null ? "-" : `${canary.lagMs} ms`,
      o.timeToApply.count === 0 ? "-" : `${o.timeToApply.p50Ms}/${o.timeToApply.p95Ms} ms`,
      o.timeToLift.count === 0
        ? `- (${o.timeToLift.pending} pending)`
        : `${o.timeToLift.p50Ms}/${o.timeToLift.p95Ms} ms`,
      o.contradictedAcks === 0 ? "-" : `${o.contradictedAcks} ACK_SERIAL_NOT_APPLIED`,
    ]),
  );
  if (rows.length === 0) return "";
  return `\n\n${table([
    [
      "OPERATOR",
      "RESOLVER",
      "CANARY SERIAL",
      "BEHIND",
      "LAG",
      "TIME TO APPLY p50/p95",
      "TIME TO LIFT p50/p95",
      "CONTRADICTED ACKS",
    ],
    ...rows,
  ])}`;
}
