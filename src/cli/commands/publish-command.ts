import { readFileSync } from "node:fs";
import { Command } from "commander";
import { parseHostPort } from "../../config/host-port.ts";
import { loadConfig } from "../../config/load-config.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { AudienceZone } from "../../publish/audience-zone.ts";
import type { TsigKey } from "../../publish/dns/tsig.ts";
import { findOperator } from "../../publish/operators.ts";
import { serverLabel } from "../../publish/push/push-connection.ts";
import { defaultPushStatePath } from "../../publish/push/push-state.ts";
import { parseBindKeyClause, pushTsigKey } from "../../publish/push/push-tsig-key.ts";
import { type PushReport, PushUpdates, type ReleasePushed } from "../../publish/push/push-updates.ts";
import { defaultRpzPolicy } from "../../publish/rpz-policy.ts";
import { ZoneSource } from "../../publish/zone-source.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { output } from "../output.ts";

interface PublishOptions {
  to: string;
  keyName?: string;
  keySecret?: string;
  keyFile?: string;
  zone?: string;
  state?: string;
  once?: boolean;
  operator?: string;
}

/** With --once, a push that fails is tried this many times in all before the command gives up. */
const onceAttempts = 3;

export function publishCommand(): Command {
  return new Command("publish")
    .requiredOption("--to <host:port>", "the external primary, e.g. 192.0.2.53:53")
    .option("--key-name <name>", "TSIG key (hmac-sha256) the server allows to update and transfer the zone")
    .option("--key-secret <base64>", "the key's secret (env DECREE_PUSH_KEY_SECRET)")
    .option(
      "--key-file <file>",
      "read the key from a BIND key clause, as `tsig-keygen -a hmac-sha256` writes it",
    )
    .option("--zone <name>", "the zone's name on the server (default: decree's RPZ zone)")
    .option("--state <file>", "where the last pushed serial is kept (default <data>/push-<host>-<port>.json)")
    .option("--once", "synchronise the server with the current release and exit")
    .option(
      "--operator <name>",
      "whose primary it is: a canary operator's gets staged releases, any other only releases that went to all",
    )
    .action(async (options: PublishOptions, command: Command) => {
      const flags = globalOptions(command);
      const config = loadConfig({ ...flags, rpzZone: options.zone });
      const server = parseHostPort(options.to, "Server address --to");
      const key = keyOf(options);
      const json = flags.json === true;
      const statePath = options.state ?? defaultPushStatePath(config.dataDir, server);
      const where = `${serverLabel(server)} ${config.rpzZone}`;
      const onRelease = (pushed: ReleasePushed) => {
        const line = json
          ? JSON.stringify({ server: serverLabel(server), ...pushed })
          : releaseLine(where, pushed);
        process.stdout.write(`${line}\n`);
      };
      const onFailure = (error: unknown, attempt: number, retryInMs: number) => {
        const reason = error instanceof DecreeError ? `${error.code}: ${error.message}` : String(error);
        process.stderr.write(
          `decree: push failed (attempt ${attempt}), retrying in ${retryInMs} ms: ${reason}\n`,
        );
      };
      await withStore(command, async (store) => {
        // Staged releases go to canaries only (publish/rollout/): without --operator, to nobody.
        const canary =
          options.operator !== undefined && (await findOperator(store.db, options.operator)).canary;
        const pusher = new PushUpdates({
          server,
          zone: config.rpzZone,
          key,
          source: new AudienceZone(store.db, new ZoneSource(store.db), canary ? "canaries" : "everyone"),
          ttl: defaultRpzPolicy.ttl,
          statePath,
        });
        if (options.once) {
          const report = await pusher.sync({
            attempts: onceAttempts,
            onFailure,
            ...(json ? {} : { onRelease }),
          });
          if (report === undefined) return;
          const document = { server: serverLabel(server), zone: config.rpzZone, ...report };
          output(json, document, () => summary(where, report));
          return;
        }
        const stopping = new AbortController();
        const stop = () => stopping.abort();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        if (!json) process.stderr.write(`decree: following releases into ${where} (Ctrl-C stops)\n`);
        try {
          await pusher.follow({ signal: stopping.signal, onRelease, onFailure });
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
      });
    });
}

function keyOf(options: PublishOptions): TsigKey {
  if (options.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.keyFile, "utf8");
    } catch (error) {
      throw new DecreeError(
        "PUSH_KEY_INVALID",
        `Cannot read the key file ${options.keyFile} (${(error as Error).message}).`,
      );
    }
    return parseBindKeyClause(text, options.keyName);
  }
  const secret = options.keySecret ?? process.env.DECREE_PUSH_KEY_SECRET;
  if (options.keyName === undefined || secret === undefined || secret === "") {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      "The server needs a TSIG key: give --key-name and --key-secret (or DECREE_PUSH_KEY_SECRET), or " +
        "--key-file with the key clause from its named.conf.",
    );
  }
  return pushTsigKey(options.keyName, secret);
}

function releaseLine(where: string, pushed: ReleasePushed): string {
  const resync = pushed.mode === "resync" ? " (full resync)" : "";
  const messages = `${pushed.messages} message${pushed.messages === 1 ? "" : "s"}`;
  return (
    `serial ${pushed.serial} -> ${where}${resync}: +${pushed.added} -${pushed.removed} records in ` +
    `${messages}, ${pushed.ms} ms (server serial ${pushed.serverSerial})`
  );
}

function summary(where: string, report: PushReport): string {
  switch (report.mode) {
    case "no-release":
      return `${where}: reachable, key accepted; decree has no release to push yet`;
    case "current":
      return `${where} already holds serial ${report.serial} (server serial ${report.serverSerial})`;
    default:
      return `${where} holds serial ${report.serial} (server serial ${report.serverSerial}), ${report.ms} ms`;
  }
}
