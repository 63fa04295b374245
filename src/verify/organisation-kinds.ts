import type { Kysely } from "kysely";
import type { EnforcerKind } from "../publish/enforcer-kind.ts";
import type { Database } from "../store/database.ts";
import { addresseeKey } from "./addressee-organisations.ts";

/**
 * The enforcer kind of each organisation, from the operator registered under its name (matched as orders'
 * addressees are: addressee-organisations.ts), so that reports count ISPs, public resolvers, VPNs and search
 * engines apart. An organisation without an operator has no kind (null).
 */
export async function organisationKinds(
  db: Kysely<Database>,
): Promise<(name: string) => EnforcerKind | null> {
  const rows = await db
    .selectFrom("operators")
    .select(["name", "kind"])
    .where("removed_at", "is", null)
    .execute();
  const kinds = new Map(rows.map((row) => [addresseeKey(row.name), row.kind]));
  return (name) => kinds.get(addresseeKey(name)) ?? null;
}
