import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Store } from "../store/database.ts";
import { createOrganisation } from "./organisations.ts";
import { issueToken, listTokens, principalForToken, revokeToken } from "./tokens.ts";
import { createUser, disableUser } from "./users.ts";

const now = new Date("2026-11-28T12:00:00Z");
const context = { actor: "test:admin", now };
const day = 86_400_000;

function hasCode(code: string) {
  return (error: unknown) => error instanceof DecreeError && error.code === code;
}

let counter = 0;
async function newUser(store: Store, role: "operator" | "applicant" = "operator") {
  counter += 1;
  const organisation = await createOrganisation(store.db, { name: `Org ${counter}` }, context);
  return createUser(
    store.db,
    { organisationId: organisation.id, email: `u${counter}@org.example`, role },
    context,
  );
}

describeEachEngine("API tokens", (store) => {
  it("shows a token once and stores only its SHA-256", async () => {
    const user = await newUser(store());
    const issued = await issueToken(store().db, { userId: user.id, label: "resolver" }, context);
    assert.match(issued.token, /^dct_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.expiresAt, new Date(now.getTime() + 90 * day).toISOString());
    const row = await store()
      .db.selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", issued.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.token_hash, createHash("sha256").update(issued.token).digest("hex"));
    const everything = JSON.stringify([row, await listTokens(store().db, { userId: user.id })]);
    assert.ok(
      !everything.includes(issued.token.slice(4)),
      "the token is nowhere in the store or the listing",
    );
    const events = await store()
      .db.selectFrom("events")
      .select("data")
      .where("subject_type", "=", "api-token")
      .execute();
    assert.ok(
      events.every(
        (event) => !event.data.includes(issued.token.slice(4)) && !event.data.includes(row.token_hash),
      ),
    );
  });

  it("authenticates a token as its user, role and organisation", async () => {
    const user = await newUser(store(), "applicant");
    const { token } = await issueToken(store().db, { userId: user.id }, context);
    assert.deepEqual(await principalForToken(store().db, token, now), {
      userId: user.id,
      organisationId: user.organisationId,
      organisationName: user.organisationName,
      role: "applicant",
      via: "token",
    });
  });

  it("refuses an unknown, an expired, a revoked token and one of a disabled user, each with its own code", async () => {
    const user = await newUser(store());
    await assert.rejects(principalForToken(store().db, "dct_forged", now), hasCode("AUTH_TOKEN_INVALID"));
    const expiring = await issueToken(
      store().db,
      { userId: user.id, expiresAt: new Date(now.getTime() + day) },
      context,
    );
    await assert.rejects(
      principalForToken(store().db, expiring.token, new Date(now.getTime() + day)),
      hasCode("AUTH_TOKEN_EXPIRED"),
    );
    const revoked = await issueToken(store().db, { userId: user.id }, context);
    const info = await revokeToken(store().db, { id: revoked.id, reason: "leaked" }, context);
    assert.equal(info.revokedAt, now.toISOString());
    await assert.rejects(principalForToken(store().db, revoked.token, now), hasCode("AUTH_TOKEN_REVOKED"));
    const kept = await issueToken(store().db, { userId: user.id }, context);
    await disableUser(store().db, { userId: user.id }, context);
    await assert.rejects(principalForToken(store().db, kept.token, now), hasCode("AUTH_ACCOUNT_DISABLED"));
    await assert.rejects(issueToken(store().db, { userId: user.id }, context), hasCode("USER_DISABLED"));
  });

  it("refuses a lifetime in the past or beyond 366 days, and a label with control characters", async () => {
    const user = await newUser(store());
    for (const expiresAt of [new Date(now.getTime() - 1), now, new Date(now.getTime() + 367 * day)]) {
      await assert.rejects(
        issueToken(store().db, { userId: user.id, expiresAt }, context),
        hasCode("TOKEN_INVALID"),
      );
    }
    await assert.rejects(
      issueToken(store().db, { userId: user.id, label: "a\u0000b" }, context),
      hasCode("TOKEN_INVALID"),
    );
    assert.deepEqual(await listTokens(store().db, { userId: user.id }), []);
  });

  it("revokes a user's own token only, answering another's as not found, and revokes once", async () => {
    const owner = await newUser(store());
    const other = await newUser(store());
    const issued = await issueToken(store().db, { userId: owner.id }, context);
    await assert.rejects(
      revokeToken(store().db, { id: issued.id, ownerId: other.id }, context),
      hasCode("TOKEN_NOT_FOUND"),
    );
    await revokeToken(store().db, { id: issued.id, ownerId: owner.id }, context);
    const again = await revokeToken(
      store().db,
      { id: issued.id, ownerId: owner.id },
      { ...context, now: new Date() },
    );
    assert.equal(again.revokedAt, now.toISOString(), "the first revocation stands");
    const events = await store()
      .db.selectFrom("events")
      .select("action")
      .where("subject_type", "=", "api-token")
      .where("subject_id", "=", issued.id)
      .execute();
    assert.deepEqual(
      events.map((event) => event.action),
      ["token.issued", "token.revoked"],
    );
  });

  it("notes when a token was last used, to the minute, without writing on every request", async () => {
    const user = await newUser(store());
    const { id, token } = await issueToken(store().db, { userId: user.id }, context);
    const lastUsed = async () =>
      (await listTokens(store().db, { userId: user.id })).find((t) => t.id === id)?.lastUsedAt;
    await principalForToken(store().db, token, now);
    assert.equal(await lastUsed(), now.toISOString());
    await principalForToken(store().db, token, new Date(now.getTime() + 30_000));
    assert.equal(await lastUsed(), now.toISOString());
    const later = new Date(now.getTime() + 61_000);
    await principalForToken(store().db, token, later);
    assert.equal(await lastUsed(), later.toISOString());
  });
});
