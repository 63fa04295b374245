import type { Kysely } from "kysely";
import { digestSecret } from "../accounts/secrets.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { type AppealStep, type AppealView, appealRows, appealSteps, appealViews } from "./appeal-view.ts";

export interface FollowedAppeal extends AppealView {
  steps: AppealStep[];
}

/**
 * The appeal behind a follow token, for its appellant: where it stands, each decision and its reason. Never
 * the contact address: the link may be forwarded, and the address is personal data.
 */
export async function followAppeal(db: Kysely<Database>, token: string): Promise<FollowedAppeal> {
  const row = await appealRows(db).where("a.token_hash", "=", digestSecret(token)).executeTakeFirst();
  if (!row) {
    throw new DecreeError(
      "APPEAL_NOT_FOUND",
      "No appeal has this follow link; check that the link was copied whole.",
    );
  }
  const appeal = (await appealViews(db, [row], false))[0]!;
  return { ...appeal, steps: await appealSteps(db, appeal.id) };
}
