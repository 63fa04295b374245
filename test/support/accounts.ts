import { randomUUID } from "node:crypto";
import { createOrganisation } from "../../src/accounts/organisations.ts";
import type { Principal } from "../../src/accounts/principal.ts";
import type { Role } from "../../src/accounts/roles.ts";
import { issueToken, maxTokenLifetimeMs } from "../../src/accounts/tokens.ts";
import { createUser } from "../../src/accounts/users.ts";
import type { Store } from "../../src/store/database.ts";

const context = () => ({ actor: "test", now: new Date() });

/**
 * A fresh user of `role` in `organisationName` (created when missing; by default one organisation per role),
 * with an API token. The token lives as long as tokens may (366 days from the real clock), so that it stays
 * valid in apps whose clock is fixed at another date (the auth plugin checks expiry by the app's clock).
 */
export async function tokenFor(
  store: Store,
  role: Role,
  organisationName = `${role} organisation`,
): Promise<{ token: string; principal: Principal }> {
  const organisation = await organisationNamed(store, organisationName);
  const user = await createUser(
    store.db,
    { organisationId: organisation.id, email: `${role}-${randomUUID()}@example.test`, role },
    context(),
  );
  const now = new Date();
  const expiresAt = new Date(now.getTime() + maxTokenLifetimeMs);
  const { token } = await issueToken(
    store.db,
    { userId: user.id, label: "test", expiresAt },
    { actor: "test", now },
  );
  return {
    token,
    principal: {
      userId: user.id,
      organisationId: organisation.id,
      organisationName: organisation.name,
      role,
      via: "token",
    },
  };
}

async function organisationNamed(store: Store, name: string): Promise<{ id: number; name: string }> {
  const existing = await store.db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("name", "=", name)
    .executeTakeFirst();
  if (existing) return { id: Number(existing.id), name: existing.name };
  return createOrganisation(store.db, { name }, context());
}
