import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { addOperator } from "../../publish/operators.ts";
import { buildApp } from "../build-app.ts";

const now = new Date("2026-11-28T12:00:00Z");

describe("an operator's resolver configuration for its dashboard", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let orange: string;
  let unregistered: string;
  let address: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    await addOperator(opened.store.db, { name: "Orange", allow: ["192.0.2.53"] }, { actor: "test", now });
    app = await buildApp({
      store: opened.store,
      now: () => now,
      dnsPrimary: () => ({ host: "0.0.0.0", port: 5300 }),
      bgpSpeaker: {
        listen: { host: "203.0.113.10", port: 179 },
        as: 64512,
        routerId: "203.0.113.10",
        peers: ["198.51.100.0/24"],
        routesFile: undefined,
        birdSocket: "/run/bird/bird.ctl",
      },
    });
    orange = (await tokenFor(opened.store, "operator", "Orange")).token;
    unregistered = (await tokenFor(opened.store, "operator", "Free")).token;
    address = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  // Over a real socket: the address the request came in on is what the configuration names.
  const get = async (resolver: string, token: string) => {
    const response = await fetch(`${address}/operators/own/config?for=${resolver}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await response.text();
    return { statusCode: response.status, headers: response.headers, body, json: () => JSON.parse(body) };
  };

  it("gives the operator of the caller's organisation its configuration, naming the primary by the address the request reached", async () => {
    const unbound = await get("unbound", orange);
    assert.equal(unbound.statusCode, 200);
    assert.match(unbound.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(unbound.body, /primary: 127\.0\.0\.1@5300/);
    assert.match(unbound.body, /rpz\.decree/);
    const bind = await get("bind", orange);
    assert.match(bind.body, /primaries \{ 127\.0\.0\.1 port 5300 key "orange\.xfer\.decree"; \}/);
  });

  it("tells an organisation registered as no operator how to become one", async () => {
    const answer = await get("knot", unregistered);
    assert.equal(answer.statusCode, 404);
    assert.equal(answer.json().code, "OPERATOR_NOT_FOUND");
  });

  it("refuses a resolver it cannot configure", async () => {
    assert.equal((await get("dnsmasq", orange)).json().code, "REQUEST_INVALID");
  });

  it("gives the operator its router's side of the BGP route feed, and refuses an AS number that is none", async () => {
    const fetchRouter = (query: string) =>
      fetch(`${address}/operators/own/router-config?${query}`, {
        headers: { authorization: `Bearer ${orange}` },
      });
    const bird = await fetchRouter("for=bird&as=64513&address=198.51.100.1:1179");
    assert.equal(bird.status, 200);
    const text = await bird.text();
    assert.match(text, /local 198\.51\.100\.1 port 1179 as 64513;/);
    assert.match(text, /neighbor 203\.0\.113\.10 port 179 as 64512;/);
    assert.match(text, /\(65535,666\) ~ bgp_community/);
    const bad = await fetchRouter("for=bird&as=0");
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, "BGP_SETTINGS_INVALID");
  });
});
