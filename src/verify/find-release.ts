import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";

/**
 * The release a consumer means by a serial. Serials wrap at 2^32 (RFC 1982) while release ids do not, so a
 * serial names the latest release that had it: the only one a consumer can have applied recently.
 */
export async function findReleaseBySerial(db: Kysely<Database>, serial: number) {
  const release = await db
    .selectFrom("releases")
    .selectAll()
    .where("serial", "=", serial)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!release) {
    throw new DecreeError(
      "RELEASE_NOT_FOUND",
      `There is no release with serial ${serial}. The current serial is in the Decree-Serial header of any feed.`,
    );
  }
  return { ...release, id: Number(release.id), serial: Number(release.serial) };
}
