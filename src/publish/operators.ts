import { randomBytes } from "node:crypto";
import ipaddr from "ipaddr.js";
import type { Kysely, Selectable } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, OperatorsTable } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { type DnsAction, dnsActions, isOneOf } from "../vocabulary/vocabulary.ts";
import type { NotifyTarget } from "./dns/notify-sender.ts";
import type { TsigKey } from "./dns/tsig.ts";
import { type EnforcerKind, parseEnforcerKind } from "./enforcer-kind.ts";

export interface Operator {
  id: number;
  name: string;
  tsig: { keyName: string; algorithm: "hmac-sha256" } | null;
  /** Who the operator is among the addressees of orders. */
  kind: EnforcerKind;
  /** The key a re-key replaced, accepted until `validUntil`; null when there is none in grace. */
  previousKey: { keyName: string; validUntil: string } | null;
  notify: Array<{ host: string; port: number }>;
  allow: string[];
  action: DnsAction | null;
  /** Gets staged releases first: promoted to everyone once canaries are seen to apply them (rollout/). */
  canary: boolean;
  createdAt: string;
}

export interface NewOperator {
  name: string;
  notify?: string[];
  allow?: string[];
  tsig?: boolean;
  action?: string | undefined;
  kind?: string | undefined;
}

export interface AddedOperator {
  operator: Operator;
  /** The TSIG secret in base64, returned once: decree keeps it to verify transfers but never shows it again. */
  secret: string | null;
}

/** Registers an operator: where to NOTIFY, which addresses may transfer unsigned, and its own TSIG key. */
export async function addOperator(
  db: Kysely<Database>,
  input: NewOperator,
  options: { actor: string; now: Date },
): Promise<AddedOperator> {
  const name = input.name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/.test(name)) {
    throw new DecreeError(
      "OPERATOR_INVALID",
      `"${input.name}" is not an operator name: use 1 to 63 letters, digits, spaces, dots, dashes or underscores.`,
    );
  }
  const notify = (input.notify ?? []).map(parseNotifyTarget);
  const allow = (input.allow ?? []).map(parseAllowed);
  const action = parseAction(input.action);
  const kind = parseEnforcerKind(input.kind ?? "isp");
  const secret = input.tsig === false ? null : randomBytes(32).toString("base64");
  const keyName = secret ? tsigKeyName(name) : null;
  return inTransaction(db, async (trx) => {
    const clash = await trx
      .selectFrom("operators")
      .select("name")
      // Without a key only the name can clash; PostgreSQL refuses a NUL in text, so no sentinel key name.
      .where((eb) =>
        keyName === null
          ? eb("name", "=", name)
          : eb.or([eb("name", "=", name), eb("tsig_key_name", "=", keyName)]),
      )
      .executeTakeFirst();
    if (clash) {
      throw new DecreeError(
        "OPERATOR_DUPLICATE",
        `An operator named ${clash.name} exists; pick another name.`,
      );
    }
    const at = options.now.toISOString();
    const row = await trx
      .insertInto("operators")
      .values({
        name,
        tsig_key_name: keyName,
        tsig_secret: secret,
        notify: JSON.stringify(notify),
        allow: JSON.stringify(allow),
        action,
        kind,
        created_at: at,
        created_by: options.actor,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The event names the operator and its key, never the secret.
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "operator",
        subject_id: Number(row.id),
        action: "operator.added",
        from_state: null,
        to_state: null,
        reason: null,
        data: { name, keyName, notify, allow, action, kind },
      },
    ]);
    return { operator: operatorFromRow(row), secret };
  });
}

/** The operators in force: a removed one keeps its row (measurements and acks name it) but is not listed. */
export async function listOperators(db: Kysely<Database>): Promise<Operator[]> {
  const rows = await db
    .selectFrom("operators")
    .selectAll()
    .where("removed_at", "is", null)
    .orderBy("name")
    .execute();
  return rows.map(operatorFromRow);
}

/** Every secondary to NOTIFY, with its operator's current TSIG key to sign the NOTIFY (RFC 8945). */
export async function notifyTargets(db: Kysely<Database>): Promise<NotifyTarget[]> {
  const rows = await db
    .selectFrom("operators")
    .select(["name", "notify", "tsig_key_name", "tsig_secret"])
    .where("removed_at", "is", null)
    .orderBy("name")
    .execute();
  return rows.flatMap((row) => {
    const key: TsigKey | undefined =
      row.tsig_key_name && row.tsig_secret
        ? {
            name: row.tsig_key_name,
            algorithm: "hmac-sha256",
            secret: Buffer.from(row.tsig_secret, "base64"),
          }
        : undefined;
    return (JSON.parse(row.notify) as Array<{ host: string; port: number }>).map((target) => ({
      ...target,
      operator: row.name,
      ...(key ? { key } : {}),
    }));
  });
}

export async function findOperator(db: Kysely<Database>, name: string): Promise<Operator> {
  return operatorFromRow(await findOperatorRow(db, name));
}

/** The operator's row; an unknown name is OPERATOR_NOT_FOUND, a removed operator OPERATOR_REMOVED. */
export async function findOperatorRow(
  db: Kysely<Database>,
  name: string,
): Promise<Selectable<OperatorsTable>> {
  const row = await db.selectFrom("operators").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "OPERATOR_NOT_FOUND",
      `There is no operator ${name}. See \`decree operators list\`.`,
    );
  }
  if (row.removed_at !== null) {
    throw new DecreeError(
      "OPERATOR_REMOVED",
      `Operator ${name} was removed on ${row.removed_at}; register it under a new name with \`decree operators add\`.`,
    );
  }
  return row;
}

/**
 * The keys the DNS primary accepts, by key name (RFC 8945 §4.2: the key name identifies the key): each
 * operator's current key, and the key a re-key replaced until its grace period ends at `now`.
 */
export async function operatorKeys(
  db: Kysely<Database>,
  now: Date = new Date(),
): Promise<Map<string, { operator: string; secret: Buffer }>> {
  const rows = await db
    .selectFrom("operators")
    .select(["name", "tsig_key_name", "tsig_secret", "previous_tsig_key_name", "previous_tsig_secret"])
    .select("previous_key_valid_until")
    .where("removed_at", "is", null)
    .execute();
  const keys = new Map<string, { operator: string; secret: Buffer }>();
  for (const row of rows) {
    if (row.tsig_key_name && row.tsig_secret) {
      keys.set(row.tsig_key_name, { operator: row.name, secret: Buffer.from(row.tsig_secret, "base64") });
    }
    const graceful =
      row.previous_key_valid_until !== null && row.previous_key_valid_until > now.toISOString();
    if (graceful && row.previous_tsig_key_name && row.previous_tsig_secret) {
      keys.set(row.previous_tsig_key_name, {
        operator: row.name,
        secret: Buffer.from(row.previous_tsig_secret, "base64"),
      });
    }
  }
  return keys;
}

/** A key name is a domain name (RFC 8945 §4.2); it is derived from the operator's name. */
export function tsigKeyName(operatorName: string): string {
  const slug = operatorName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `${slug || "operator"}.xfer.decree`;
}

export function parseNotifyTarget(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3] ?? 53);
  if (!host || !ipaddr.isValid(host) || port < 1 || port > 65535) {
    throw new DecreeError(
      "OPERATOR_INVALID",
      `--notify ${text} is not IP:PORT. Give the secondary's address, e.g. 192.0.2.53:53 or [2001:db8::53]:53.`,
    );
  }
  return { host: ipaddr.parse(host).toString(), port };
}

export function parseAllowed(text: string): string {
  const value = text.trim();
  try {
    if (value.includes("/")) {
      const [address, length] = ipaddr.parseCIDR(value);
      return `${address.toString()}/${length}`;
    }
    return ipaddr.parse(value).toString();
  } catch {
    throw new DecreeError(
      "OPERATOR_INVALID",
      `--allow ${text} is not an address or prefix. Give the address a resolver transfers from, e.g. 192.0.2.53 or 192.0.2.0/28.`,
    );
  }
}

export function parseAction(action: string | undefined): DnsAction | null {
  if (action === undefined) return null;
  if (isOneOf(dnsActions, action)) return action;
  throw new DecreeError("OPERATOR_INVALID", `--action ${action} is not one of ${dnsActions.join(", ")}.`);
}

export function operatorFromRow(row: Selectable<OperatorsTable>): Operator {
  return {
    id: Number(row.id),
    name: row.name,
    tsig: row.tsig_key_name ? { keyName: row.tsig_key_name, algorithm: "hmac-sha256" } : null,
    notify: JSON.parse(row.notify),
    allow: JSON.parse(row.allow),
    action: row.action ?? null,
    canary: Number(row.canary ?? 0) === 1,
    kind: row.kind,
    previousKey:
      row.previous_tsig_key_name && row.previous_key_valid_until
        ? { keyName: row.previous_tsig_key_name, validUntil: row.previous_key_valid_until }
        : null,
    createdAt: row.created_at,
  };
}
