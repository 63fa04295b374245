import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { buildApp } from "../build-app.ts";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("accounts and tokens over HTTP", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let admin: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store });
    admin = (await tokenFor(opened.store, "admin")).token;
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("lets an admin create an organisation and a user who then gets a token and works", async () => {
    const org = await app.inject({
      method: "POST",
      url: "/accounts/organisations",
      headers: bearer(admin),
      payload: { name: "Orange" },
    });
    assert.equal(org.statusCode, 201);
    const user = await app.inject({
      method: "POST",
      url: "/accounts/users",
      headers: bearer(admin),
      payload: { organisationId: org.json().id, email: "NOC@orange.example", role: "operator" },
    });
    assert.equal(user.statusCode, 201);
    assert.equal(user.json().email, "noc@orange.example");
    const issued = await app.inject({
      method: "POST",
      url: "/tokens",
      headers: bearer(admin),
      payload: { userId: user.json().id, label: "resolver" },
    });
    assert.equal(issued.statusCode, 201);
    const me = await app.inject({ url: "/me", headers: bearer(issued.json().token) });
    assert.deepEqual([me.json().user.organisationName, me.json().user.role], ["Orange", "operator"]);
    const listed = await app.inject({
      url: `/accounts/users?organisation=${org.json().id}`,
      headers: bearer(admin),
    });
    assert.deepEqual(
      listed.json().users.map((u: { email: string }) => u.email),
      ["noc@orange.example"],
    );
  });

  it("refuses unknown fields and a bad role with 400 problem+json, creating nothing", async () => {
    const before = (await app.inject({ url: "/accounts/organisations", headers: bearer(admin) })).json();
    const extra = await app.inject({
      method: "POST",
      url: "/accounts/organisations",
      headers: bearer(admin),
      payload: { name: "Free", admin: true },
    });
    assert.equal(extra.statusCode, 400);
    assert.equal(extra.json().code, "REQUEST_INVALID");
    const role = await app.inject({
      method: "POST",
      url: "/accounts/users",
      headers: bearer(admin),
      payload: { organisationId: 1, email: "x@free.example", role: "root" },
    });
    assert.equal(role.statusCode, 400);
    assert.deepEqual(
      (await app.inject({ url: "/accounts/organisations", headers: bearer(admin) })).json(),
      before,
    );
  });

  it("lets users list and revoke their own tokens, but not another's (404), and an admin revoke any", async () => {
    const alice = await tokenFor(opened.store, "applicant", "Rights Holders");
    const bob = await tokenFor(opened.store, "applicant", "Rights Holders");
    const aliceTokens = (await app.inject({ url: "/tokens", headers: bearer(alice.token) })).json().tokens;
    assert.equal(aliceTokens.length, 1);
    assert.equal(aliceTokens[0].userId, alice.principal.userId);
    assert.ok(!JSON.stringify(aliceTokens).includes(alice.token.slice(4)), "a listing never shows a token");
    const id = aliceTokens[0].id;
    const byBob = await app.inject({ method: "DELETE", url: `/tokens/${id}`, headers: bearer(bob.token) });
    assert.equal(byBob.statusCode, 404);
    assert.equal(byBob.json().code, "TOKEN_NOT_FOUND");
    const others = await app.inject({
      url: `/tokens?user=${alice.principal.userId}`,
      headers: bearer(bob.token),
    });
    assert.equal(others.statusCode, 403);
    const forOther = await app.inject({
      method: "POST",
      url: "/tokens",
      headers: bearer(bob.token),
      payload: { userId: alice.principal.userId },
    });
    assert.equal(forOther.statusCode, 403);
    const byAdmin = await app.inject({ method: "DELETE", url: `/tokens/${id}`, headers: bearer(admin) });
    assert.equal(byAdmin.statusCode, 200);
    assert.ok(byAdmin.json().revokedAt);
    const after = await app.inject({ url: "/me", headers: bearer(alice.token) });
    assert.equal(after.statusCode, 401);
  });

  it("answers every refused token with the same 401 AUTH_TOKEN_INVALID and RFC 6750's invalid_token", async () => {
    const revoked = await tokenFor(opened.store, "auditor");
    const tokens = (await app.inject({ url: "/tokens", headers: bearer(revoked.token) })).json().tokens;
    await app.inject({ method: "DELETE", url: `/tokens/${tokens[0].id}`, headers: bearer(revoked.token) });
    const forged = `dct_${"A".repeat(43)}`;
    const answers = [];
    for (const token of [revoked.token, forged]) {
      const res = await app.inject({ url: "/orders", headers: bearer(token) });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers["www-authenticate"], 'Bearer realm="decree", error="invalid_token"');
      answers.push(res.json().detail);
    }
    assert.equal(answers[0], answers[1], "nothing tells a revoked token from a forged one");
  });

  it("ignores a Bearer value that is not a decree token on public routes, and refuses it on others", async () => {
    const placeholder = bearer("decree-feeds-are-public");
    assert.equal(
      (await app.inject({ url: "/api/v1/fqdn/get/all/txt", headers: placeholder })).statusCode,
      200,
    );
    const me = await app.inject({ url: "/me", headers: placeholder });
    assert.equal(me.statusCode, 401);
    assert.equal(me.json().code, "AUTH_TOKEN_INVALID");
  });

  it("disables a user: their token stops working at once", async () => {
    const victim = await tokenFor(opened.store, "operator");
    const res = await app.inject({
      method: "POST",
      url: `/accounts/users/${victim.principal.userId}/disable`,
      headers: bearer(admin),
      payload: { reason: "contract ended" },
    });
    assert.equal(res.statusCode, 200);
    assert.equal((await app.inject({ url: "/me", headers: bearer(victim.token) })).statusCode, 401);
  });

  it("limits requests per token", async () => {
    const limited = await buildApp({ store: opened.store, rateLimits: { perCredential: 3 } });
    const { token } = await tokenFor(opened.store, "auditor");
    const other = await tokenFor(opened.store, "auditor");
    const codes = [];
    for (let n = 0; n < 4; n++)
      codes.push((await limited.inject({ url: "/me", headers: bearer(token) })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
    assert.equal((await limited.inject({ url: "/me", headers: bearer(other.token) })).statusCode, 200);
    const anonymous = [];
    for (let n = 0; n < 5; n++) anonymous.push((await limited.inject({ url: "/health" })).statusCode);
    assert.deepEqual(anonymous, [200, 200, 200, 200, 200], "public reads are not limited per credential");
    await limited.close();
  });
});
