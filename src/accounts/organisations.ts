import type { Kysely, Selectable } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, OrganisationsTable } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { ChangeContext } from "./change-context.ts";

export interface Organisation {
  id: number;
  name: string;
  createdAt: string;
}

const namePattern = /^[^\p{Cc}\p{Cf}]{1,100}$/u;

/** An organisation: a court or authority, a rights holder, an ISP, a search engine, an auditor. */
export async function createOrganisation(
  db: Kysely<Database>,
  input: { name: string },
  context: ChangeContext,
): Promise<Organisation> {
  const name = input.name.trim().replace(/\s+/g, " ");
  if (!namePattern.test(name)) {
    throw new DecreeError(
      "ORGANISATION_INVALID",
      'An organisation\'s name needs 1 to 100 characters, without control characters, e.g. "Orange".',
    );
  }
  return inTransaction(db, async (trx) => {
    const clash = await trx
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", name)
      .executeTakeFirst();
    if (clash) {
      throw new DecreeError(
        "ORGANISATION_DUPLICATE",
        `An organisation named "${name}" exists (id ${clash.id}); add users to it instead.`,
      );
    }
    const at = context.now.toISOString();
    const row = await trx
      .insertInto("organisations")
      .values({ name, created_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "organisation",
        subject_id: Number(row.id),
        action: "organisation.created",
        data: { name },
      },
    ]);
    return organisationFromRow(row);
  });
}

export async function listOrganisations(db: Kysely<Database>): Promise<Organisation[]> {
  const rows = await db.selectFrom("organisations").selectAll().orderBy("name").execute();
  return rows.map(organisationFromRow);
}

export async function findOrganisationByName(db: Kysely<Database>, name: string): Promise<Organisation> {
  const row = await db
    .selectFrom("organisations")
    .selectAll()
    .where("name", "=", name.trim().replace(/\s+/g, " "))
    .executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "ORGANISATION_NOT_FOUND",
      `There is no organisation named "${name}"; see \`decree accounts list\` or create it with ` +
        "`decree accounts add-org`.",
    );
  }
  return organisationFromRow(row);
}

function organisationFromRow(row: Selectable<OrganisationsTable>): Organisation {
  return { id: Number(row.id), name: row.name, createdAt: row.created_at };
}
