import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { createOrganisation } from "../../accounts/organisations.ts";
import { createUser } from "../../accounts/users.ts";
import { buildApp } from "../build-app.ts";

const password = "a passphrase long enough";
const now = new Date("2026-11-28T12:00:00Z");

function cookies(res: LightMyRequestResponse): Record<string, { value: string; attributes: string }> {
  const header = res.headers["set-cookie"];
  const list = Array.isArray(header) ? header : header ? [header] : [];
  return Object.fromEntries(
    list.map((line) => {
      const [pair, ...attributes] = line.split("; ");
      const [name, value] = pair!.split("=");
      return [name!, { value: value ?? "", attributes: attributes.join("; ") }];
    }),
  );
}

describe("browser sessions, CSRF and login limits", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let email: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    const organisation = await createOrganisation(opened.store.db, { name: "ARCOM" }, { actor: "test", now });
    const user = await createUser(
      opened.store.db,
      { organisationId: organisation.id, email: "clerk@arcom.example", role: "authority", password },
      { actor: "test", now },
    );
    email = user.email;
    app = await buildApp({ store: opened.store, now: () => now });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  async function login(from = "127.0.0.1") {
    const res = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email, password },
      remoteAddress: from,
    });
    assert.equal(res.statusCode, 200, res.body);
    const set = cookies(res);
    return { res, session: set.decree_session!.value, csrf: res.json().csrfToken as string, set };
  }

  it("signs in with a session cookie that is HttpOnly and SameSite=Strict, and returns the CSRF token", async () => {
    const { res, set, csrf } = await login("10.0.0.1");
    assert.match(set.decree_session!.attributes, /HttpOnly/);
    assert.match(set.decree_session!.attributes, /SameSite=Strict/);
    assert.match(set.decree_session!.attributes, /Path=\//);
    assert.doesNotMatch(
      set.decree_session!.attributes,
      /Secure/,
      "plain HTTP: a Secure cookie would never come back",
    );
    assert.equal(set.decree_csrf!.value, csrf);
    assert.doesNotMatch(set.decree_csrf!.attributes, /HttpOnly/, "the web UI reads it");
    assert.equal(res.json().user.role, "authority");
  });

  it("marks the cookies Secure behind a TLS-terminating proxy, or when told to", async () => {
    const proxied = await buildApp({ store: opened.store, now: () => now, trustProxy: true });
    const res = await proxied.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email, password },
      headers: { "x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.2" },
    });
    assert.match(cookies(res).decree_session!.attributes, /Secure/);
    await proxied.close();
    const always = await buildApp({ store: opened.store, now: () => now, secureCookies: true });
    const again = await always.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email, password },
      remoteAddress: "10.0.0.3",
    });
    assert.match(cookies(again).decree_session!.attributes, /Secure/);
    await always.close();
  });

  it("authenticates GET /me by the session cookie", async () => {
    const { session } = await login("10.0.0.4");
    const res = await app.inject({ url: "/me", cookies: { decree_session: session } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().via, "session");
    assert.equal(res.json().user.email, email);
  });

  it("refuses a session POST without the X-CSRF-Token header, or with a wrong one, with 403 CSRF_INVALID", async () => {
    const { session, csrf } = await login("10.0.0.5");
    const body = { label: "from the browser" };
    const without = await app.inject({
      method: "POST",
      url: "/tokens",
      cookies: { decree_session: session },
      payload: body,
    });
    assert.equal(without.statusCode, 403);
    assert.match(String(without.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(without.json().code, "CSRF_INVALID");
    const wrong = await app.inject({
      method: "POST",
      url: "/tokens",
      cookies: { decree_session: session },
      headers: { "x-csrf-token": `${csrf}x` },
      payload: body,
    });
    assert.equal(wrong.json().code, "CSRF_INVALID");
    const tokens = await app.inject({ url: "/tokens", cookies: { decree_session: session } });
    assert.deepEqual(tokens.json().tokens, [], "the refused requests created nothing");
    const right = await app.inject({
      method: "POST",
      url: "/tokens",
      cookies: { decree_session: session },
      headers: { "x-csrf-token": csrf },
      payload: body,
    });
    assert.equal(right.statusCode, 201, right.body);
  });

  it("needs no CSRF token from a script using an API token", async () => {
    const { token } = await tokenFor(opened.store, "operator");
    const res = await app.inject({
      method: "POST",
      url: "/tokens",
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    assert.equal(res.statusCode, 201);
  });

  it("signs out: the session stops working and the cookies are cleared", async () => {
    const { session, csrf } = await login("10.0.0.6");
    const out = await app.inject({
      method: "POST",
      url: "/auth/logout",
      cookies: { decree_session: session },
      headers: { "x-csrf-token": csrf },
    });
    assert.equal(out.statusCode, 204);
    assert.match(cookies(out).decree_session!.attributes, /Expires=Thu, 01 Jan 1970/);
    const me = await app.inject({ url: "/me", cookies: { decree_session: session } });
    assert.equal(me.statusCode, 401);
    assert.equal(me.json().code, "AUTH_SESSION_INVALID");
    const publicPage = await app.inject({ url: "/orders", cookies: { decree_session: session } });
    assert.equal(publicPage.statusCode, 200, "a stale cookie does not lock a browser out of public pages");
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const wrong = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email, password: "not the password" },
      remoteAddress: "10.0.0.7",
    });
    const unknown = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email: "nobody@arcom.example", password },
      remoteAddress: "10.0.0.8",
    });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual([wrong.json().code, wrong.json().detail], [unknown.json().code, unknown.json().detail]);
    assert.equal(wrong.headers["set-cookie"], undefined);
  });

  it("answers the 6th login attempt from one address within a minute with 429 problem+json and Retry-After", async () => {
    const attempt = (n: number) =>
      app.inject({
        method: "POST",
        url: "/auth/login",
        payload: { email: `guess${n}@arcom.example`, password: "guess" },
        remoteAddress: "192.0.2.66",
      });
    for (let n = 1; n <= 5; n++) assert.equal((await attempt(n)).statusCode, 401);
    const sixth = await attempt(6);
    assert.equal(sixth.statusCode, 429);
    assert.match(String(sixth.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(sixth.json().code, "RATE_LIMITED");
    assert.ok(Number(sixth.headers["retry-after"]) > 0);
  });

  it("never locks the owner out: wrong passwords from elsewhere leave the right one from their address working", async () => {
    const guess = (address: string) =>
      app.inject({
        method: "POST",
        url: "/auth/login",
        payload: { email, password: "a wrong guess of a password" },
        remoteAddress: address,
      });
    for (let n = 1; n <= 20; n++) assert.equal((await guess(`198.51.100.${n}`)).statusCode, 401);
    const owner = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email, password },
      remoteAddress: "203.0.113.7",
    });
    assert.equal(owner.statusCode, 200, owner.body);
  });

  it("slows an address that keeps guessing one account, and waits longer after each failure", async () => {
    let clock = new Date("2026-11-28T13:00:00Z");
    const slowed = await buildApp({ store: opened.store, now: () => clock });
    try {
      const guess = () =>
        slowed.inject({
          method: "POST",
          url: "/auth/login",
          payload: { email, password: "still the wrong password" },
          remoteAddress: "192.0.2.99",
        });
      for (let n = 1; n <= 3; n++) assert.equal((await guess()).statusCode, 401);
      const waits: number[] = [];
      for (let n = 0; n < 3; n++) {
        const refused = await guess();
        assert.equal(refused.statusCode, 429, refused.body);
        assert.equal(refused.json().code, "RATE_LIMITED");
        const wait = Number(refused.headers["retry-after"]);
        waits.push(wait);
        clock = new Date(clock.getTime() + wait * 1000);
        assert.equal((await guess()).statusCode, 401, "after the wait, a guess is checked again");
      }
      assert.deepEqual(waits, [1, 2, 4]);
    } finally {
      await slowed.close();
    }
  });
});
