import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { DecreeError } from "../errors/decree-error.ts";
import type { Store } from "../store/database.ts";
import type { SubjectType } from "../vocabulary/vocabulary.ts";
import { createOrganisation, findOrganisationByName, listOrganisations } from "./organisations.ts";
import { closeSession, openSession, principalForSession } from "./sessions.ts";
import { createUser, disableUser, findUser, findUserByEmail, listUsers } from "./users.ts";

const context = { actor: "test:admin", now: new Date("2026-11-28T12:00:00Z") };
const password = "a passphrase long enough";

function hasCode(code: string) {
  return (error: unknown) => error instanceof DecreeError && error.code === code;
}

async function snapshot(store: Store) {
  const count = async (table: "organisations" | "users" | "events" | "sessions") =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    organisations: await count("organisations"),
    users: await count("users"),
    events: await count("events"),
    sessions: await count("sessions"),
  };
}

async function eventsOf(store: Store, subjectType: SubjectType, subjectId: number) {
  return store.db
    .selectFrom("events")
    .selectAll()
    .where("subject_type", "=", subjectType)
    .where("subject_id", "=", subjectId)
    .orderBy("id")
    .execute();
}

describeEachEngine("organisations and users", (store) => {
  it("creates an organisation with an event, and refuses a second one of the same name", async () => {
    const organisation = await createOrganisation(store().db, { name: "  Orange   France " }, context);
    assert.equal(organisation.name, "Orange France");
    const [event] = await eventsOf(store(), "organisation", organisation.id);
    assert.equal(event?.action, "organisation.created");
    assert.equal(event?.actor, "test:admin");
    const before = await snapshot(store());
    await assert.rejects(
      createOrganisation(store().db, { name: "Orange France" }, context),
      hasCode("ORGANISATION_DUPLICATE"),
    );
    assert.deepEqual(await snapshot(store()), before);
    assert.equal((await findOrganisationByName(store().db, "Orange France")).id, organisation.id);
    assert.ok((await listOrganisations(store().db)).some((o) => o.id === organisation.id));
  });

  it("stores emails lowercase, so that a differently cased duplicate is refused", async () => {
    const organisation = await createOrganisation(store().db, { name: "Free" }, context);
    const user = await createUser(
      store().db,
      { organisationId: organisation.id, email: " Ops@Free.Example ", role: "operator" },
      context,
    );
    assert.equal(user.email, "ops@free.example");
    assert.equal(user.hasPassword, false);
    await assert.rejects(
      createUser(
        store().db,
        { organisationId: organisation.id, email: "OPS@free.example", role: "auditor" },
        context,
      ),
      hasCode("USER_DUPLICATE"),
    );
    assert.equal((await findUserByEmail(store().db, "OPS@FREE.EXAMPLE")).id, user.id);
  });

  it("refuses a bad email, an unknown role, a short password and a missing organisation, changing nothing", async () => {
    const organisation = await createOrganisation(store().db, { name: "SFR" }, context);
    const before = await snapshot(store());
    const base = { organisationId: organisation.id, email: "noc@sfr.example", role: "operator" };
    await assert.rejects(
      createUser(store().db, { ...base, email: "not an email" }, context),
      hasCode("USER_INVALID"),
    );
    await assert.rejects(
      createUser(store().db, { ...base, role: "superuser" }, context),
      hasCode("USER_INVALID"),
    );
    await assert.rejects(
      createUser(store().db, { ...base, password: "short" }, context),
      hasCode("USER_INVALID"),
    );
    await assert.rejects(
      createUser(store().db, { ...base, organisationId: 999_999 }, context),
      hasCode("ORGANISATION_NOT_FOUND"),
    );
    assert.deepEqual(await snapshot(store()), before);
  });

  it("refuses an organisation without a usable name, and looks up no user that is not there", async () => {
    const before = await snapshot(store());
    for (const name of ["   ", "x".repeat(101), "tab\u0007bell"]) {
      await assert.rejects(
        createOrganisation(store().db, { name }, context),
        hasCode("ORGANISATION_INVALID"),
      );
    }
    await assert.rejects(findUser(store().db, 999_999), hasCode("USER_NOT_FOUND"));
    await assert.rejects(findUserByEmail(store().db, "nobody@nowhere.example"), hasCode("USER_NOT_FOUND"));
    assert.deepEqual(await snapshot(store()), before);
  });

  it("keeps passwords as salted scrypt hashes and puts neither password nor email in events", async () => {
    const organisation = await createOrganisation(store().db, { name: "Bouygues" }, context);
    const first = await createUser(
      store().db,
      { organisationId: organisation.id, email: "a@bouygues.example", role: "operator", password },
      context,
    );
    const second = await createUser(
      store().db,
      { organisationId: organisation.id, email: "b@bouygues.example", role: "operator", password },
      context,
    );
    const hashes = await store()
      .db.selectFrom("users")
      .select("password_hash")
      .where("id", "in", [first.id, second.id])
      .execute();
    const [one, two] = hashes.map((row) => row.password_hash ?? "");
    assert.match(one!, /^scrypt\$131072\$8\$1\$/);
    assert.notEqual(one, two, "the same password hashes differently for each user (per-user salt)");
    assert.ok(!one!.includes(password));
    const [event] = await eventsOf(store(), "user", first.id);
    assert.equal(event?.action, "user.created");
    assert.ok(!event!.data.includes(password) && !event!.data.includes("bouygues.example"));
    assert.ok(!event!.data.includes(one!.split("$")[5]!));
  });

  it("signs in with the right password only, answering alike for an unknown email", async () => {
    const organisation = await createOrganisation(store().db, { name: "ARCOM" }, context);
    const user = await createUser(
      store().db,
      { organisationId: organisation.id, email: "clerk@arcom.example", role: "authority", password },
      context,
    );
    await assert.rejects(
      openSession(store().db, { email: user.email, password: `${password}!` }, context),
      hasCode("AUTH_LOGIN_FAILED"),
    );
    await assert.rejects(
      openSession(store().db, { email: "nobody@arcom.example", password }, context),
      hasCode("AUTH_LOGIN_FAILED"),
    );
    const session = await openSession(store().db, { email: "CLERK@arcom.example", password }, context);
    const stored = await store()
      .db.selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.id_hash, session.sessionId);
    assert.notEqual(stored.csrf_token_hash, session.csrfToken);
    const found = await principalForSession(store().db, session.sessionId, context.now);
    assert.deepEqual(found?.principal, {
      userId: user.id,
      organisationId: organisation.id,
      organisationName: "ARCOM",
      role: "authority",
      via: "session",
    });
    const later = new Date(Date.parse(session.expiresAt) + 1);
    assert.equal(await principalForSession(store().db, session.sessionId, later), null, "expired");
    await closeSession(store().db, session.sessionId, { actor: `user:${user.id}`, now: context.now });
    assert.equal(await principalForSession(store().db, session.sessionId, context.now), null, "closed");
    const actions = (await eventsOf(store(), "user", user.id)).map((event) => event.action);
    assert.deepEqual(actions, ["user.created", "session.opened", "session.closed"]);
  });

  it("disables a user once: sessions end, logins fail, and a second disable changes nothing", async () => {
    const organisation = await createOrganisation(store().db, { name: "Google" }, context);
    const user = await createUser(
      store().db,
      { organisationId: organisation.id, email: "legal@google.example", role: "search-engine", password },
      context,
    );
    const session = await openSession(store().db, { email: user.email, password }, context);
    const disabled = await disableUser(store().db, { userId: user.id, reason: "left the company" }, context);
    assert.equal(disabled.disabledAt, context.now.toISOString());
    assert.equal(await principalForSession(store().db, session.sessionId, context.now), null);
    await assert.rejects(
      openSession(store().db, { email: user.email, password }, context),
      hasCode("AUTH_LOGIN_FAILED"),
    );
    const before = await snapshot(store());
    await disableUser(store().db, { userId: user.id }, context);
    assert.deepEqual(await snapshot(store()), before);
    const listed = await listUsers(store().db, { organisationId: organisation.id });
    assert.deepEqual(
      listed.map((u) => [u.email, u.disabledAt]),
      [[user.email, context.now.toISOString()]],
    );
    const event = (await eventsOf(store(), "user", user.id)).find((e) => e.action === "user.disabled");
    assert.equal(event?.reason, "left the company");
  });
});
