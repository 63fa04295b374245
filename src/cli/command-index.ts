import type { Command } from "commander";

/** A top-level command: what `decree --help` says of it, and how to load it when it is the one being run. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

/**
 * Every top-level command, loaded only when it runs: each pulls in its own part of the program (the HTTP stack,
 * the store, the DNS code), and a command that waits on imports it does not use starts slower than it need be.
 */
export const commandIndex: Record<string, CommandEntry> = {
  orders: {
    summary: "record and read orders (court or authority decisions)",
    load: async () => (await import("./commands/orders-command.ts")).ordersCommand(),
  },
  targets: {
    summary: "propose, decide and list the targets of orders",
    load: async () => (await import("./commands/targets-command.ts")).targetsCommand(),
  },
  names: {
    summary: "see how decree reads names, URLs and IPs",
    load: async () => (await import("./commands/names-command.ts")).namesCommand(),
  },
  status: {
    summary: "counts of orders, targets and entries by state",
    load: async () => (await import("./commands/status-command.ts")).statusCommand(),
  },
  operators: {
    summary: "ISPs and DNS providers that enforce orders",
    load: async () => (await import("./commands/operators-command.ts")).operatorsCommand(),
  },
  bgp: {
    summary: "decree's BGP daemon (BIRD 2), which announces blocked addresses as blackhole routes",
    load: async () => (await import("./commands/bgp-command.ts")).bgpCommand(),
  },
  serve: {
    summary: "serve the registry over HTTP (and, with later releases, DNS) until stopped",
    load: async () => (await import("./commands/serve-command.ts")).serveCommand(),
  },
  publish: {
    summary:
      "push each release to an external primary (e.g. BIND 9) by TSIG-signed dynamic update (RFC 2136), " +
      "until stopped",
    load: async () => (await import("./commands/publish-command.ts")).publishCommand(),
  },
  keys: {
    summary: "print the registry's Ed25519 public key (base64, raw 32 bytes) and key id, to verify feeds",
    load: async () => (await import("./commands/keys-command.ts")).keysCommand(),
  },
  accounts: {
    summary: "organisations and their users, one role each",
    load: async () => (await import("./commands/accounts-command.ts")).accountsCommand(),
  },
  tokens: {
    summary: "API tokens: shown once, stored hashed, expiring, revocable",
    load: async () => (await import("./commands/tokens-command.ts")).tokensCommand(),
  },
  data: {
    summary: "the safeguard checks' data: CDN and cloud ranges, protected names, ASN classes, passive DNS",
    load: async () => (await import("./commands/data-command.ts")).dataCommand(),
  },
  mirrors: {
    summary:
      "find the copies of a blocked site, prove they are copies, and queue them under the original order",
    load: async () => (await import("./commands/mirrors-command.ts")).mirrorsCommand(),
  },
  probe: {
    summary:
      "measure whether operators' resolvers enforce the registry; or, with --registry, run as an agent",
    load: async () => (await import("./commands/probe-command.ts")).probeCommand(),
  },
  scorecards: {
    summary:
      "public scorecards per operator and per order: share enforced, times to enforce and lift, errors",
    load: async () => (await import("./commands/scorecards-command.ts")).scorecardsCommand(),
  },
  backup: {
    summary: "copy the store to FILE, consistent while decree serves (PostgreSQL: prints pg_dump's command)",
    load: async () => (await import("./commands/backup-command.ts")).backupCommand(),
  },
  restore: {
    summary:
      "replace the store with a backup (stop decree serve first; PostgreSQL: prints pg_restore's command)",
    load: async () => (await import("./commands/backup-command.ts")).restoreCommand(),
  },
  releases: {
    summary:
      "the staged rollout: releases served to canary operators first, then promoted, halted or withdrawn",
    load: async () => (await import("./commands/releases-command.ts")).releasesCommand(),
  },
  verify: {
    summary:
      "check the registry's public log from outside: a checkpoint's signature, a feed against the log, or watch the log",
    load: async () => (await import("./commands/verify-command.ts")).verifyCommand(),
  },
};

/** Global options that take a value, so that the value is not taken for the command's name. */
const valueOptions = new Set(["--data", "--database-url", "--config", "--as", "--lang"]);

/** The top-level command an argument list runs (`decree help orders` runs orders' help), if any. */
export function commandNameOf(args: string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (valueOptions.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  return words[0] === "help" ? words[1] : words[0];
}
