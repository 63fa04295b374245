import { Command } from "commander";
import { issueToken, listTokens, revokeToken, type TokenInfo } from "../../accounts/tokens.ts";
import { findUserByEmail } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { administer, withIdentityOptions } from "../cli-identity.ts";
import { output, table } from "../output.ts";
import { positiveInteger } from "../parse-options.ts";

const unitMs: Record<string, number> = { h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function tokensCommand(): Command {
  const tokens = new Command("tokens");

  tokens
    .command("create")
    .description("issue a token for a user; it is printed once and never again")
    .requiredOption("--user <email>", "whose token: it carries the user's role and organisation")
    .option("--label <label>", 'what it is for, e.g. "resolver feed fetch"')
    .option("--expires <when>", "a lifetime (30d, 12h, 8w) or a date (2027-06-30); default 90d, at most 366d")
    .action(async (options: CreateOptions, command: Command) => {
      const now = new Date();
      const expiresAt = options.expires === undefined ? undefined : parseExpiry(options.expires, now);
      const issued = await withStore(command, (outer) =>
        administer(command, outer, async (store, actor) => {
          const user = await findUserByEmail(store.db, options.user);
          const token = await issueToken(
            store.db,
            { userId: user.id, label: options.label, expiresAt },
            { actor, now },
          );
          return { ...token, user: { id: user.id, email: user.email, role: user.role } };
        }),
      );
      output(globalOptions(command).json, issued, () =>
        [
          `token ${issued.id} for ${issued.user.email} (${issued.user.role}), expires ${issued.expiresAt}:`,
          `  ${issued.token}`,
          "  Keep it now: decree stores only its hash and will not show it again.",
          `  Use it as: Authorization: Bearer ${issued.token.slice(0, 8)}…`,
        ].join("\n"),
      );
    });

  tokens
    .command("list")
    .description("list tokens (never the tokens themselves)")
    .option("--user <email>", "only this user's")
    .action(async (options: { user?: string }, command: Command) => {
      const list = await withStore(command, async (store) => {
        const userId =
          options.user === undefined ? undefined : (await findUserByEmail(store.db, options.user)).id;
        return listTokens(store.db, { userId });
      });
      output(globalOptions(command).json, { tokens: list }, () => tokensTable(list));
    });

  tokens
    .command("revoke")
    .description("revoke a token: it stops working at once")
    .argument("<id>", "the token's id (decree tokens list)", positiveInteger)
    .option("--reason <text>", "why, for the event log")
    .action(async (id: number, options: { reason?: string }, command: Command) => {
      const token = await withStore(command, (outer) =>
        administer(command, outer, (store, actor) =>
          revokeToken(store.db, { id, reason: options.reason }, { actor, now: new Date() }),
        ),
      );
      output(globalOptions(command).json, { token }, () => `token ${token.id} revoked at ${token.revokedAt}`);
    });

  for (const sub of tokens.commands) if (sub.name() !== "list") withIdentityOptions(sub);
  return tokens;
}

interface CreateOptions {
  user: string;
  label?: string;
  expires?: string;
}

function parseExpiry(text: string, now: Date): Date {
  const lifetime = /^(\d{1,4})\s*([hdw])$/.exec(text.trim().toLowerCase());
  if (lifetime) return new Date(now.getTime() + Number(lifetime[1]) * unitMs[lifetime[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text.trim())) {
    const date = new Date(text.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new DecreeError(
    "TOKEN_INVALID",
    `--expires "${text}" is neither a lifetime (30d, 12h, 8w) nor a date (2027-06-30).`,
  );
}

function tokensTable(list: TokenInfo[]): string {
  if (list.length === 0) return "no tokens";
  return table([
    ["ID", "USER", "LABEL", "EXPIRES", "REVOKED", "LAST USED"],
    ...list.map((token) => [
      String(token.id),
      String(token.userId),
      token.label ?? "",
      token.expiresAt,
      token.revokedAt ?? "",
      token.lastUsedAt ?? "",
    ]),
  ]);
}
