import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { operatorKeys } from "../../publish/operators.ts";
import { buildApp } from "../build-app.ts";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("operators over HTTP, for admins", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let admin: string;
  let authority: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store });
    admin = (await tokenFor(opened.store, "admin")).token;
    authority = (await tokenFor(opened.store, "authority")).token;
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("registers, updates, re-keys and removes an operator, never showing a secret twice", async () => {
    const added = await app.inject({
      method: "POST",
      url: "/operators",
      headers: bearer(admin),
      payload: { name: "NordVPN", kind: "vpn", notify: ["192.0.2.7:53"] },
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().operator.kind, "vpn");
    assert.match(added.json().secret, /^[A-Za-z0-9+/]{43}=$/);

    const patched = await app.inject({
      method: "PATCH",
      url: "/operators/NordVPN",
      headers: bearer(admin),
      payload: { kind: "public-resolver", allow: ["192.0.2.0/28"], action: null },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual([patched.json().kind, patched.json().allow], ["public-resolver", ["192.0.2.0/28"]]);
    assert.equal(patched.json().secret, undefined);

    const rekeyed = await app.inject({
      method: "POST",
      url: "/operators/NordVPN/rekey",
      headers: bearer(admin),
      payload: { grace: "12h" },
    });
    assert.equal(rekeyed.statusCode, 200, rekeyed.body);
    const { operator } = rekeyed.json();
    assert.equal(operator.previousKey.keyName, added.json().operator.tsig.keyName);
    assert.deepEqual(
      [...(await operatorKeys(opened.store.db)).keys()].sort(),
      [operator.tsig.keyName, operator.previousKey.keyName].sort(),
      "both keys are accepted during the grace",
    );
    const badGrace = await app.inject({
      method: "POST",
      url: "/operators/NordVPN/rekey",
      headers: bearer(admin),
      payload: { grace: "forever" },
    });
    assert.deepEqual([badGrace.statusCode, badGrace.json().code], [422, "OPERATOR_INVALID"]);

    const listed = await app.inject({ method: "GET", url: "/operators", headers: bearer(admin) });
    assert.deepEqual(
      listed.json().operators.map((o: { name: string }) => o.name),
      ["NordVPN"],
    );
    const removed = await app.inject({ method: "DELETE", url: "/operators/NordVPN", headers: bearer(admin) });
    assert.equal(removed.statusCode, 200, removed.body);
    const again = await app.inject({ method: "DELETE", url: "/operators/NordVPN", headers: bearer(admin) });
    assert.deepEqual([again.statusCode, again.json().code], [409, "OPERATOR_REMOVED"]);
    assert.equal((await operatorKeys(opened.store.db)).size, 0);
  });

  it("refuses an unknown kind and anyone but an admin", async () => {
    const kind = await app.inject({
      method: "POST",
      url: "/operators",
      headers: bearer(admin),
      payload: { name: "Registrar", kind: "registrar" },
    });
    assert.equal(kind.statusCode, 400);
    const forbidden = await app.inject({ method: "GET", url: "/operators", headers: bearer(authority) });
    assert.equal(forbidden.statusCode, 403);
  });
});
