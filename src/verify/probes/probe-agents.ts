import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { digestSecret } from "../../accounts/secrets.ts";
import { issueToken } from "../../accounts/tokens.ts";
import { findUserByEmail } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { findOperator } from "../../publish/operators.ts";
import { verifySignature } from "../../publish/signing-key.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Database, ProbeAgentsTable } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";

/** An agent that measures from inside an operator's network and reports signed batches. */
export interface ProbeAgent {
  id: number;
  name: string;
  operatorId: number;
  /** Ed25519 raw public key, base64; null until pinned. */
  publicKey: string | null;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface NewProbeAgent {
  name: string;
  operator: string;
  /** The user the agent's token belongs to: an operator's (or an authority's) account. */
  user: string;
  /** The agent's Ed25519 public key, base64, if known now; else pinned on the agent's first request. */
  publicKey?: string | undefined;
}

const agentRoles = new Set(["operator", "authority"]);

/**
 * Registers a probe agent for an operator and issues its API token (printed once). The token belongs to an
 * operator's or an authority's user, so that revoking it or disabling the user stops the agent at once.
 */
export async function addProbeAgent(
  db: Kysely<Database>,
  input: NewProbeAgent,
  options: { actor: string; now: Date },
): Promise<{ agent: ProbeAgent; token: string; expiresAt: string }> {
  const name = input.name.trim();
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name)) {
    throw new DecreeError(
      "PROBE_AGENT_INVALID",
      `"${input.name}" is not an agent name: use 1 to 63 lowercase letters, digits, dots, dashes or underscores.`,
    );
  }
  if (input.publicKey !== undefined) checkPublicKey(input.publicKey);
  return inTransaction(db, async (trx) => {
    const operator = await findOperator(trx, input.operator);
    const user = await findUserByEmail(trx, input.user);
    if (!agentRoles.has(user.role)) {
      throw new DecreeError(
        "PROBE_AGENT_INVALID",
        `${input.user} is a ${user.role}; a probe agent reports as an operator's or an authority's user.`,
      );
    }
    const clash = await trx
      .selectFrom("probe_agents")
      .select("id")
      .where("name", "=", name)
      .executeTakeFirst();
    if (clash) {
      throw new DecreeError("PROBE_AGENT_DUPLICATE", `An agent named ${name} exists; pick another name.`);
    }
    const issued = await issueToken(
      trx,
      { userId: user.id, label: `probe agent ${name}` },
      { actor: options.actor, now: options.now },
    );
    const at = options.now.toISOString();
    const row = await trx
      .insertInto("probe_agents")
      .values({
        name,
        operator_id: operator.id,
        token_hash: digestSecret(issued.token),
        public_key: input.publicKey ?? null,
        created_at: at,
        created_by: options.actor,
        last_seen_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "operator",
        subject_id: operator.id,
        action: "probe-agent.added",
        from_state: null,
        to_state: null,
        reason: null,
        data: { agent: name, operator: operator.name, publicKey: input.publicKey ?? null },
      },
    ]);
    return { agent: agentFromRow(row), token: issued.token, expiresAt: issued.expiresAt };
  });
}

export async function listProbeAgents(db: Kysely<Database>): Promise<ProbeAgent[]> {
  const rows = await db.selectFrom("probe_agents").selectAll().orderBy("name").execute();
  return rows.map(agentFromRow);
}

/**
 * The agent a request's token belongs to, with its key pinned: the key presented on the first request is kept
 * (trust on first use, unless given at registration), and a different key later is refused, so that a stolen
 * token alone cannot sign measurements as the agent.
 */
export async function agentForToken(
  db: Kysely<Database>,
  token: string,
  presentedKey: string | undefined,
  now: Date,
): Promise<ProbeAgent> {
  const row = await db
    .selectFrom("probe_agents")
    .selectAll()
    .where("token_hash", "=", digestSecret(token))
    .executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "PROBE_AGENT_UNKNOWN",
      "This token is not a probe agent's. Register the agent with `decree probe agent add NAME --operator OP --user EMAIL` and use the token it prints.",
    );
  }
  if (presentedKey !== undefined) checkPublicKey(presentedKey);
  if (row.public_key !== null && presentedKey !== undefined && presentedKey !== row.public_key) {
    throw new DecreeError(
      "PROBE_AGENT_KEY_MISMATCH",
      `Agent ${row.name} signs with another key than the one pinned; if the agent's key was replaced, register it again.`,
    );
  }
  const publicKey = row.public_key ?? presentedKey ?? null;
  await db
    .updateTable("probe_agents")
    .set({ last_seen_at: now.toISOString(), public_key: publicKey })
    .where("id", "=", row.id)
    .execute();
  return agentFromRow({ ...row, public_key: publicKey, last_seen_at: now.toISOString() });
}

/** Checks an agent's detached Ed25519 signature over the exact bytes of its batch. */
export function checkBatchSignature(agent: ProbeAgent, payload: string, signature: string): void {
  if (agent.publicKey === null) {
    throw new DecreeError(
      "PROBE_SIGNATURE_INVALID",
      `Agent ${agent.name} has no key pinned yet: it presents it (Decree-Agent-Key) when it fetches its work.`,
    );
  }
  const valid = (() => {
    try {
      return verifySignature(
        agent.publicKey!,
        Buffer.from(payload, "utf8"),
        Buffer.from(signature, "base64"),
      );
    } catch {
      return false;
    }
  })();
  if (!valid) {
    throw new DecreeError(
      "PROBE_SIGNATURE_INVALID",
      `The batch's signature does not verify with agent ${agent.name}'s key: sign the payload's exact UTF-8 bytes.`,
    );
  }
}

function checkPublicKey(publicKey: string): void {
  if (!z.base64().safeParse(publicKey).success || Buffer.from(publicKey, "base64").length !== 32) {
    throw new DecreeError(
      "PROBE_AGENT_INVALID",
      "An agent's public key is a raw 32-byte Ed25519 key in base64 (RFC 8032).",
    );
  }
}

function agentFromRow(row: Selectable<ProbeAgentsTable>): ProbeAgent {
  return {
    id: Number(row.id),
    name: row.name,
    operatorId: Number(row.operator_id),
    publicKey: row.public_key,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}
