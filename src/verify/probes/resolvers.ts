import type { Kysely, Selectable } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { findOperator } from "../../publish/operators.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Database, ResolversTable } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { parseResolverEndpoint, type ResolverEndpoint, type Transport } from "./resolver-endpoint.ts";

export interface RegisteredResolver extends ResolverEndpoint {
  id: number;
  operatorId: number;
  operator: string;
  createdAt: string;
}

export interface NewResolver {
  operator: string;
  address: string;
  transport?: Transport;
  url?: string | undefined;
}

/** Registers one of an operator's resolvers, to be probed (`decree operators resolver add`). */
export async function addResolver(
  db: Kysely<Database>,
  input: NewResolver,
  options: { actor: string; now: Date },
): Promise<RegisteredResolver> {
  const endpoint = parseResolverEndpoint(input.address, input.transport ?? "udp", input.url);
  return inTransaction(db, async (trx) => {
    const operator = await findOperator(trx, input.operator);
    const clash = await trx
      .selectFrom("resolvers")
      .select("id")
      .where("operator_id", "=", operator.id)
      .where("host", "=", endpoint.host)
      .where("port", "=", endpoint.port)
      .where("transport", "=", endpoint.transport)
      .executeTakeFirst();
    if (clash) {
      throw new DecreeError(
        "RESOLVER_DUPLICATE",
        `${operator.name} already has this resolver over ${endpoint.transport}; see \`decree operators resolver list\`.`,
      );
    }
    const at = options.now.toISOString();
    const row = await trx
      .insertInto("resolvers")
      .values({
        operator_id: operator.id,
        host: endpoint.host,
        port: endpoint.port,
        transport: endpoint.transport,
        url: endpoint.url ?? null,
        created_at: at,
        created_by: options.actor,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "operator",
        subject_id: operator.id,
        action: "resolver.added",
        from_state: null,
        to_state: null,
        reason: null,
        data: { operator: operator.name, ...endpoint },
      },
    ]);
    return resolverFromRow(row, operator.name);
  });
}

/** Every registered resolver, or one operator's, by operator then id. */
export async function listResolvers(db: Kysely<Database>, operator?: string): Promise<RegisteredResolver[]> {
  let query = db
    .selectFrom("resolvers")
    .innerJoin("operators", "operators.id", "resolvers.operator_id")
    .selectAll("resolvers")
    .select("operators.name as operator_name");
  if (operator !== undefined) query = query.where("operators.id", "=", (await findOperator(db, operator)).id);
  const rows = await query.orderBy("operators.name").orderBy("resolvers.id").execute();
  return rows.map((row) => resolverFromRow(row, row.operator_name));
}

function resolverFromRow(row: Selectable<ResolversTable>, operator: string): RegisteredResolver {
  return {
    id: Number(row.id),
    operatorId: Number(row.operator_id),
    operator,
    host: row.host,
    port: Number(row.port),
    transport: row.transport,
    url: row.url ?? undefined,
    createdAt: row.created_at,
  };
}
