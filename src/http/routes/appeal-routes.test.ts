import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { ZoneSource } from "../../publish/zone-source.ts";
import { buildApp } from "../build-app.ts";

const contact = "webmaster@site-owner.example";
let address = 0;
/** Each test files from its own client address, so that the per-address limit is tested on its own. */
const nextAddress = () => `198.51.100.${++address}`;

describeEachEngine("appeals over HTTP", (store) => {
  let app: FastifyInstance;
  let authority: string;
  let auditor: string;
  let operator: string;
  let pokes = 0;
  const ids: Record<string, string> = {};

  before(async () => {
    app = await buildApp({
      store: store(),
      now: () => duringOrder,
      publicUrl: "https://decree.example.fr",
      onRegistryChange: () => {
        pokes += 1;
      },
    });
    authority = (await tokenFor(store(), "authority")).token;
    auditor = (await tokenFor(store(), "auditor")).token;
    operator = (await tokenFor(store(), "operator")).token;
    const names = [
      "allostreaming.com",
      "suspend-me.fifostream.tv",
      "uphold-me.fifostream.tv",
      "lift-me.fifostream.tv",
    ];
    const approved = await approveTargets(store(), [
      { value: names[0], kind: "domain" },
      names[1],
      names[2],
      names[3],
    ]);
    names.forEach((name, index) => {
      ids[name] = approved[index]!;
    });
    await publish(store());
  });
  after(() => app.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function file(payload: Record<string, unknown>, remoteAddress = nextAddress()) {
    return app.inject({ method: "POST", url: "/appeals", payload, remoteAddress });
  }

  async function filed(target: string) {
    const response = await file({ target, reason: "This is my own site's content.", contact });
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { id: number; token: string; follow: string; targetId: number };
  }

  function decide(id: number, decision: string, reason = "examined", token = authority) {
    return app.inject({
      method: "POST",
      url: `/appeals/${id}/decision`,
      headers: bearer(token),
      payload: { decision, reason },
    });
  }

  async function targetState(id: string | number) {
    const row = await store()
      .db.selectFrom("targets")
      .select("state")
      .where("id", "=", Number(id))
      .executeTakeFirstOrThrow();
    return row.state;
  }

  it("files an appeal without an account, and gives a follow link that shows no contact", async () => {
    const appeal = await filed("uphold-me.fifostream.tv");
    assert.equal(appeal.targetId, Number(ids["uphold-me.fifostream.tv"]));
    assert.match(appeal.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(appeal.follow, `https://decree.example.fr/appeals/${appeal.token}`);
    const followed = await app.inject({ method: "GET", url: `/appeals/${appeal.token}` });
    assert.equal(followed.statusCode, 200);
    const view = followed.json();
    assert.equal(view.state, "open");
    assert.equal(view.target.value, "uphold-me.fifostream.tv");
    assert.match(view.order.caseNumber, /^RG 26\//);
    assert.deepEqual(
      view.steps.map((step: { action: string; reason: string }) => [step.action, step.reason]),
      [["appeal.filed", "This is my own site's content."]],
    );
    assert.equal(view.steps[0].text, `Appeal ${appeal.id} filed against uphold-me.fifostream.tv`);
    const french = await app.inject({
      method: "GET",
      url: `/appeals/${appeal.token}`,
      headers: { "accept-language": "fr" },
    });
    assert.equal(
      french.json().steps[0].text,
      `Contestation ${appeal.id} déposée contre uphold-me.fifostream.tv`,
    );
    assert.equal(french.headers["content-language"], "fr");
    assert.ok(!followed.body.includes(contact), "the follow link never shows the contact");
    assert.equal(followed.headers["cache-control"], "no-store");
  });

  it("keeps the contact out of the event log entirely", async () => {
    await filed("lift-me.fifostream.tv");
    const events = await store().db.selectFrom("events").selectAll().execute();
    for (const event of events) {
      assert.ok(!JSON.stringify(event).includes(contact), `event ${event.id} carries the contact`);
    }
  });

  it("finds the entry by a name below a blocked domain", async () => {
    const appeal = await filed("WWW.allostreaming.com");
    assert.equal(appeal.targetId, Number(ids["allostreaming.com"]));
  });

  it("refuses an appeal against a name nothing blocks, and bad input, changing nothing", async () => {
    const before = await store().db.selectFrom("appeals").select("id").execute();
    const unknown = await file({ target: "never-blocked.example.com", reason: "x", contact });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, "TARGET_NOT_FOUND");
    const badEmail = await file({ target: "allostreaming.com", reason: "x", contact: "not an email" });
    assert.equal(badEmail.statusCode, 400);
    assert.equal(badEmail.headers["content-type"], "application/problem+json; charset=utf-8");
    const extra = await file({ target: "allostreaming.com", reason: "x", contact, admin: true });
    assert.equal(extra.statusCode, 400);
    const after = await store().db.selectFrom("appeals").select("id").execute();
    assert.equal(after.length, before.length);
  });

  it("lists appeals for the authority with contacts, for an auditor without, and to nobody else", async () => {
    const asAuthority = await app.inject({
      method: "GET",
      url: "/appeals?state=open",
      headers: bearer(authority),
    });
    assert.equal(asAuthority.statusCode, 200);
    const listed = asAuthority.json().appeals as Array<{ contact?: string; state: string }>;
    assert.ok(listed.length >= 2);
    assert.ok(listed.every((appeal) => appeal.contact === contact && appeal.state === "open"));
    const asAuditor = await app.inject({ method: "GET", url: "/appeals", headers: bearer(auditor) });
    assert.equal(asAuditor.statusCode, 200);
    assert.ok(!asAuditor.body.includes(contact));
    assert.equal((await app.inject({ method: "GET", url: "/appeals" })).statusCode, 401);
    assert.equal(
      (await app.inject({ method: "GET", url: "/appeals", headers: bearer(operator) })).statusCode,
      403,
    );
  });

  it("suspends the entry at once on the authority's decision: the next release takes it out of the zone", async () => {
    const appeal = await filed("suspend-me.fifostream.tv");
    const pokesBefore = pokes;
    const decided = await decide(appeal.id, "suspend", "plausible: the site is a lawful blog");
    assert.equal(decided.statusCode, 200, decided.body);
    assert.deepEqual(decided.json(), {
      id: appeal.id,
      from: "open",
      to: "suspended",
      scope: "entry",
      target: { id: appeal.targetId, from: "active", to: "suspended" },
      siblings: [],
    });
    assert.equal(pokes, pokesBefore + 1, "the release scheduler is told");
    assert.equal(await targetState(appeal.targetId), "suspended");
    await publish(store());
    const zone = await new ZoneSource(store().db).snapshot();
    assert.ok(!zone.records.some((record) => record.owner === "suspend-me.fifostream.tv"));
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_type", "=", "target")
      .where("subject_id", "=", appeal.targetId)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    assert.equal(event.action, "target.suspended");
    assert.equal(event.reason, `appeal ${appeal.id}: plausible: the site is a lawful blog`);
  });

  it("upholds a suspended appeal, reinstating the entry, with every step and reason on the follow link", async () => {
    const appeal = await filed("uphold-me.fifostream.tv");
    assert.equal((await decide(appeal.id, "suspend", "looking into it")).statusCode, 200);
    const upheld = await decide(appeal.id, "uphold", "the site copies the blocked one");
    assert.equal(upheld.statusCode, 200);
    assert.deepEqual(upheld.json().target, { id: appeal.targetId, from: "suspended", to: "active" });
    assert.equal(await targetState(appeal.targetId), "active");
    const view = (await app.inject({ method: "GET", url: `/appeals/${appeal.token}` })).json();
    assert.equal(view.state, "upheld");
    assert.deepEqual(
      view.steps.map((step: { action: string; to: string; reason: string }) => [
        step.action,
        step.to,
        step.reason,
      ]),
      [
        ["appeal.filed", "open", "This is my own site's content."],
        ["appeal.suspended", "suspended", "looking into it"],
        ["appeal.upheld", "upheld", "the site copies the blocked one"],
      ],
    );
  });

  it("lifts the entry, and refuses a decision the appeal's state no longer allows", async () => {
    const appeal = await filed("lift-me.fifostream.tv");
    const lifted = await decide(appeal.id, "lift", "not a mirror");
    assert.equal(lifted.statusCode, 200);
    assert.equal(await targetState(appeal.targetId), "lifted");
    const again = await decide(appeal.id, "suspend");
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, "APPEAL_DECISION_INVALID");
    const late = await file({ target: String(appeal.targetId), reason: "x", contact });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().code, "APPEAL_TARGET_NOT_IN_FORCE");
  });

  it("shows an appeal's siblings for the site and suspends them with it when the decision's scope is site", async () => {
    const [apex, www] = await approveTargets(store(), ["allostreaming.net", "www.allostreaming.net"]);
    await publish(store());
    const appeal = await filed("allostreaming.net");
    const listed = (await app.inject({ method: "GET", url: "/appeals", headers: bearer(authority) })).json();
    const mine = listed.appeals.find((one: { id: number }) => one.id === appeal.id);
    assert.deepEqual(
      mine.siblings.map((one: { id: number; value: string }) => [one.id, one.value]),
      [[Number(www), "www.allostreaming.net"]],
    );
    const followed = (await app.inject({ method: "GET", url: `/appeals/${appeal.token}` })).json();
    assert.equal(followed.siblings.length, 1, "the appellant sees what the decision may reach too");
    const bad = await app.inject({
      method: "POST",
      url: `/appeals/${appeal.id}/decision`,
      headers: bearer(authority),
      payload: { decision: "suspend", reason: "x", scope: "domain" },
    });
    assert.equal(bad.statusCode, 400);
    const pokesBefore = pokes;
    const decided = await app.inject({
      method: "POST",
      url: `/appeals/${appeal.id}/decision`,
      headers: bearer(authority),
      payload: { decision: "suspend", reason: "the whole site is in question", scope: "site" },
    });
    assert.equal(decided.statusCode, 200, decided.body);
    assert.deepEqual(decided.json(), {
      id: appeal.id,
      from: "open",
      to: "suspended",
      scope: "site",
      target: { id: Number(apex), from: "active", to: "suspended" },
      siblings: [{ id: Number(www), from: "active", to: "suspended" }],
    });
    assert.equal(pokes, pokesBefore + 1, "one decision, one release");
    await publish(store());
    const owners = (await new ZoneSource(store().db).snapshot()).records.map((record) => record.owner);
    assert.ok(!owners.includes("allostreaming.net") && !owners.includes("www.allostreaming.net"));
  });

  it("refuses decisions without a reason, on unknown appeals, and from anyone but the authority", async () => {
    const appeal = await filed("allostreaming.com");
    assert.equal((await decide(appeal.id, "uphold", "  ")).statusCode, 400);
    assert.equal((await decide(appeal.id, "dismiss")).statusCode, 400);
    const missing = await decide(987_654, "uphold");
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, "APPEAL_NOT_FOUND");
    assert.equal((await decide(appeal.id, "lift", "x", auditor)).statusCode, 403);
    assert.equal(await targetState(appeal.targetId), "active");
  });

  it("limits filings to 5 an hour per client address: the sixth is 429 problem+json", async () => {
    const from = nextAddress();
    const payload = { target: "allostreaming.com", reason: "again", contact };
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      assert.equal((await file(payload, from)).statusCode, 201, `attempt ${attempt}`);
    }
    const sixth = await file(payload, from);
    assert.equal(sixth.statusCode, 429);
    assert.equal(sixth.json().code, "RATE_LIMITED");
    assert.equal((await file(payload, nextAddress())).statusCode, 201, "another address is not limited");
  });

  it("files from the HTML form without JavaScript: 303 to a follow page that escapes what it shows", async () => {
    const form = await app.inject({
      method: "GET",
      url: `/appeals/new?target=${encodeURIComponent('"><script>alert(1)</script>')}&lang=en`,
    });
    assert.equal(form.statusCode, 200);
    assert.equal(form.headers["content-type"], "text/html; charset=utf-8");
    assert.match(form.body, /<form method="post" action="\/appeals\?lang=(fr|en)">/);
    assert.ok(form.body.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.doesNotMatch(form.body, /<script/);
    const posted = await app.inject({
      method: "POST",
      url: "/appeals",
      remoteAddress: nextAddress(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        target: "www.allostreaming.com",
        reason: "<script>alert('x')</script> & not infringing",
        contact,
      }).toString(),
    });
    assert.equal(posted.statusCode, 303, posted.body);
    const location = String(posted.headers.location);
    assert.match(location, /^https:\/\/decree\.example\.fr\/appeals\/[A-Za-z0-9_-]{43}$/);
    const page = await app.inject({
      method: "GET",
      url: new URL(location).pathname,
      headers: { accept: "text/html,application/xhtml+xml", "accept-language": "fr-FR,fr;q=0.9" },
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.match(page.body, /Suivi de la contestation/);
    assert.match(page.body, /en attente d&#39;examen/);
    assert.ok(page.body.includes("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; not infringing"));
    assert.doesNotMatch(page.body, /<script/);
    assert.ok(!page.body.includes(contact));
  });

  it("answers a refused form post with an HTML page in the form's language, JSON posts with problem+json", async () => {
    const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      app.inject({
        method: "POST",
        url,
        remoteAddress: nextAddress(),
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        payload: new URLSearchParams(fields).toString(),
      });
    const unknown = await post("/appeals?lang=fr", {
      target: "nothing-blocked.example",
      reason: "x",
      contact,
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(unknown.headers["content-type"], "text/html; charset=utf-8");
    assert.match(unknown.body, /La contestation n&#39;a pas pu être déposée/);
    assert.match(unknown.body, /<code>TARGET_NOT_FOUND<\/code>/);
    assert.match(unknown.body, /href="\/appeals\/new\?lang=fr"/);
    assert.match(String(unknown.headers["content-security-policy"]), /default-src 'none'/);
    const invalid = await post("/appeals", { target: "www.allostreaming.com" }, { "accept-language": "en" });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /The appeal could not be filed/);
    assert.match(invalid.body, /<code>REQUEST_INVALID<\/code>/);
    assert.doesNotMatch(invalid.body, /<script/);
    const json = await app.inject({
      method: "POST",
      url: "/appeals",
      remoteAddress: nextAddress(),
      payload: { target: "nothing-blocked.example", reason: "x", contact },
    });
    assert.match(String(json.headers["content-type"]), /^application\/problem\+json/);
  });

  it("answers an unknown follow link with 404 and a malformed one with 400", async () => {
    const unknown = await app.inject({ method: "GET", url: `/appeals/${"A".repeat(43)}` });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, "APPEAL_NOT_FOUND");
    assert.equal((await app.inject({ method: "GET", url: "/appeals/..%2F..%2Fetc" })).statusCode, 400);
  });
});
