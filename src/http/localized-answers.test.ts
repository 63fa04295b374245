import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../test/support/accounts.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { bearer } from "../../test/support/workflow.ts";
import { errorCatalogue } from "../errors/error-catalogue.ts";
import { errorTexts } from "../errors/localize-refusal.ts";
import { buildApp } from "./build-app.ts";

describe("refusals and findings in the language Accept-Language asks for", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let authority: string;

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store, now: () => duringOrder });
    authority = (await tokenFor(opened.store, "authority", "ARCOM")).token;
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  // A new address each time: failed sign-ins of one address are slowed down (login-backoff.ts).
  let attempt = 0;
  const login = (headers: Record<string, string> = {}) =>
    app.inject({
      method: "POST",
      url: "/auth/login",
      headers,
      payload: { email: `nobody-${++attempt}@example.test`, password: "not the password" },
    });

  it("answers a refused sign-in in French, with the same code, Content-Language fr and the English detail kept", async () => {
    const res = await login({ "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" });
    assert.equal(res.statusCode, 401, res.body);
    assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(res.headers["content-language"], "fr");
    assert.match(String(res.headers.vary), /accept-language/i);
    const problem = res.json();
    assert.equal(problem.code, "AUTH_LOGIN_FAILED");
    assert.equal(problem.type, "urn:decree:error:AUTH_LOGIN_FAILED");
    assert.equal(problem.title, errorTexts.fr.AUTH_LOGIN_FAILED.title);
    assert.match(problem.detail, /mot de passe incorrect/);
    assert.doesNotMatch(problem.detail, /AUTH_LOGIN_FAILED/);
    assert.match(problem.englishDetail, /^Wrong email or password/);
  });

  it("answers in English without the header, as API clients always read it, with no englishDetail", async () => {
    const res = await login();
    const problem = res.json();
    assert.equal(problem.code, "AUTH_LOGIN_FAILED");
    assert.equal(problem.title, errorCatalogue.AUTH_LOGIN_FAILED.title);
    assert.match(problem.detail, /^Wrong email or password/);
    assert.equal(problem.englishDetail, undefined);
    assert.equal(res.headers["content-language"], "en");
  });

  it("weighs the ranges by q, and falls back to English for a language decree does not speak", async () => {
    assert.equal(
      (await login({ "accept-language": "fr;q=0.2, en;q=0.8" })).headers["content-language"],
      "en",
    );
    assert.equal(
      (await login({ "accept-language": "en;q=0.1, fr;q=0.3" })).headers["content-language"],
      "fr",
    );
    const german = await login({ "accept-language": "de-DE, de;q=0.9" });
    assert.equal(german.headers["content-language"], "en");
    assert.match(german.json().detail, /^Wrong email or password/);
  });

  it("says the French remedy, not an English sentence, for a refusal without a French detail", async () => {
    const res = await app.inject({ url: "/no/such/route", headers: { "accept-language": "fr" } });
    assert.equal(res.statusCode, 404);
    const problem = res.json();
    assert.equal(problem.code, "NOT_FOUND");
    assert.equal(problem.detail, errorTexts.fr.NOT_FOUND.remedy);
    assert.match(problem.englishDetail, /^Nothing at GET \/no\/such\/route/);
  });

  it("tells each refused line of an import in French from its code and values", async () => {
    const order = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(authority),
      payload: sampleOrder(),
    });
    assert.equal(order.statusCode, 201, order.body);
    const res = await app.inject({
      method: "POST",
      url: `/orders/${order.json().order.id}/targets`,
      headers: { ...bearer(authority), "accept-language": "fr" },
      payload: { targets: ["stream-fr.example-films.com", "github.io", "com"] },
    });
    assert.equal(res.statusCode, 422, res.body);
    const problem = res.json();
    assert.equal(problem.code, "TARGETS_REJECTED");
    assert.match(problem.detail, /^2 cibles sur 3 ont été refusées/);
    const [suffix] = problem.rejected as Array<{ code: string; message: string; input: string }>;
    assert.equal(suffix?.code, "TARGET_PUBLIC_SUFFIX");
    assert.match(suffix!.message, /^github\.io est un suffixe public \(section private/);
    const english = await app.inject({
      method: "POST",
      url: `/orders/${order.json().order.id}/targets`,
      headers: bearer(authority),
      payload: { targets: ["github.io"] },
    });
    assert.equal(english.json().code, "TARGET_PUBLIC_SUFFIX");
    assert.match(english.json().detail, /^github\.io is a public suffix/);
    assert.match(english.json().rejected[0].message, /^github\.io is a public suffix/);
  });

  it("tells the findings of the review queue in French, with the same codes, and in English without the header", async () => {
    const order = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(authority),
      payload: sampleOrder({ targets: ["*.wild-fr.example-films.com"] }),
    });
    assert.equal(order.statusCode, 201, order.body);
    type Queue = { targets: Array<{ findings: Array<{ code: string; message: string }> }> };
    const findingsOf = (queue: Queue) => queue.targets.flatMap((target) => target.findings);
    const french = await app.inject({
      url: "/review/queue",
      headers: { ...bearer(authority), "accept-language": "fr" },
    });
    assert.equal(french.statusCode, 200, french.body);
    assert.equal(french.headers["content-language"], "fr");
    const english = await app.inject({ url: "/review/queue", headers: bearer(authority) });
    const frenchFindings = findingsOf(french.json());
    const englishFindings = findingsOf(english.json());
    assert.deepEqual(
      frenchFindings.map((f) => f.code),
      englishFindings.map((f) => f.code),
    );
    const breadth = frenchFindings.find((f) => f.code === "TARGET_WILDCARD_BREADTH");
    assert.match(breadth!.message, /^Une cible de type domaine bloque wild-fr\.example-films\.com/);
    const english1 = englishFindings.find((f) => f.code === "TARGET_WILDCARD_BREADTH");
    assert.match(english1!.message, /^A domain target blocks wild-fr\.example-films\.com/);
  });
});
