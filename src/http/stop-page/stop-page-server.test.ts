import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, suspendTargets } from "../../../test/support/published-zone.ts";
import { buildStopPage } from "./stop-page-server.ts";

const publicUrl = "https://decree.example.fr";

describeEachEngine("the stop page", (store) => {
  let page: FastifyInstance;
  let domainId: string;

  before(async () => {
    const [domain] = await approveTargets(store(), [{ value: "allostreaming.com", kind: "domain" }], {
      legalBasis: "Code de la propriété intellectuelle, art. L. 336-2",
    });
    domainId = domain!;
    await approveTargets(store(), ["www.fifostream.tv", { value: "bücher-stream.fr", kind: "domain" }]);
    const [suspended] = await approveTargets(store(), ["suspended.dpstream.tv"]);
    await suspendTargets(store(), [suspended!]);
    await approveTargets(store(), ["93.184.215.14", "2606:2800:220:1:248:1893:25c8:1946"], {
      measures: ["ip-block"],
    });
    await approveTargets(store(), ["delist-only.alloshare.com"], { measures: ["delist"] });
    page = await buildStopPage({ store: store(), publicUrl });
  });

  after(() => page.close());

  const get = (host: string, headers: Record<string, string> = {}, url = "/") =>
    page.inject({ method: "GET", url, headers: { host, ...headers } });

  it("answers 451 for a name under a blocked domain, linking the order as blocked-by (RFC 7725)", async () => {
    const response = await get("www.allostreaming.com");
    assert.equal(response.statusCode, 451);
    const order = await store()
      .db.selectFrom("targets")
      .select("order_id")
      .where("id", "=", Number(domainId))
      .executeTakeFirstOrThrow();
    assert.equal(response.headers.link, `<${publicUrl}/orders/${order.order_id}>; rel="blocked-by"`);
    assert.equal(response.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(response.headers["cache-control"], "no-store");
    assert.match(String(response.headers["content-security-policy"]), /default-src 'none'/);
  });

  it("names the court, the case, the date, the measure, until when, and links the appeal form, in French", async () => {
    const response = await get("allostreaming.com:8451");
    assert.equal(response.statusCode, 451);
    assert.equal(response.headers["content-language"], "fr");
    const body = response.body;
    assert.match(body, /<html lang="fr">/);
    assert.match(body, /Tribunal judiciaire de Paris/);
    assert.match(body, /RG 26\/\d{5}/);
    assert.match(body, /20 décembre 2025/);
    assert.match(body, /blocage DNS du domaine allostreaming\.com et de tous ses sous-domaines/);
    assert.match(body, /Jusqu&#39;au<\/dt><dd>1 janvier 2027 à 00:00 UTC/);
    assert.match(body, /art\. L\. 336-2/);
    assert.ok(body.includes(`href="${publicUrl}/appeals/new?target=${domainId}&amp;lang=fr"`), body);
    assert.doesNotMatch(body, /<script/i);
  });

  it("speaks English when Accept-Language prefers it, or when ?lang=en asks", async () => {
    const english = await get("allostreaming.com", { "accept-language": "de-DE, en-GB;q=0.9, fr;q=0.5" });
    assert.equal(english.headers["content-language"], "en");
    assert.match(english.body, /Unavailable for legal reasons/);
    assert.match(english.body, /20 December 2025/);
    assert.match(english.body, /DNS blocking of the domain allostreaming\.com and all its subdomains/);
    const asked = await get("allostreaming.com", { "accept-language": "fr" }, "/some/page?lang=en");
    assert.equal(asked.headers["content-language"], "en");
    const french = await get("allostreaming.com", { "accept-language": "fr-BE, en;q=0.8" });
    assert.equal(french.headers["content-language"], "fr");
    assert.equal(french.headers.vary, "Host, Accept-Language");
  });

  it("matches exact names only for an fqdn entry, and not names a delist-only or suspended entry has", async () => {
    assert.equal((await get("www.fifostream.tv")).statusCode, 451);
    assert.equal((await get("fifostream.tv")).statusCode, 404);
    assert.equal((await get("cdn.www.fifostream.tv")).statusCode, 404);
    assert.equal((await get("delist-only.alloshare.com")).statusCode, 404);
    const suspended = await get("suspended.dpstream.tv");
    assert.equal(suspended.statusCode, 404);
    assert.match(suspended.body, /Aucune décision en vigueur ne bloque suspended\.dpstream\.tv/);
    assert.equal(suspended.headers.link, undefined);
  });

  it("reads the Host as the names module does: case, trailing dot, A-label and Unicode forms", async () => {
    assert.equal((await get("WWW.AlloStreaming.COM.")).statusCode, 451);
    const alabel = await get("shop.XN--BCHER-STREAM-DLB.fr");
    assert.equal(alabel.statusCode, 451);
    assert.match(alabel.body, /bücher-stream\.fr/);
    assert.equal((await get("shop.bücher-stream.fr")).statusCode, 451);
  });

  it("matches IP literals, bracketed or not, against ip entries", async () => {
    assert.equal((await get("93.184.215.14")).statusCode, 451);
    assert.equal((await get("93.184.215.14:8451")).statusCode, 451);
    assert.equal((await get("[2606:2800:220:1:248:1893:25c8:1946]:80")).statusCode, 451);
    assert.equal((await get("[2606:2800:220:1:248:1893:0:1]")).statusCode, 404);
  });

  it("escapes every hostile Host and never reflects one it cannot read", async () => {
    const hostile = [
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "a'onmouseover='alert(1)'.allostreaming.com",
      `${"a".repeat(63)}.`.repeat(80),
      "x".repeat(5000),
      "allostreaming.com/../../etc/passwd",
      "%3Cscript%3E.example.com",
      "\u202eevil.com",
      "[::1",
      "",
    ];
    for (const host of hostile) {
      const response = await get(host);
      assert.ok([404, 451].includes(response.statusCode), `${host}: ${response.statusCode}`);
      assert.doesNotMatch(response.body, /<script|<img|onerror=|onmouseover=/i, host);
      if (host.length > 300) assert.ok(response.body.length < 10_000, "a long Host is not echoed");
    }
  });

  it("answers the same for any path and method, without reading the body", async () => {
    const posted = await page.inject({
      method: "POST",
      url: "/login.php?next=%3Cscript%3E",
      headers: { host: "allostreaming.com", "content-type": "application/json" },
      payload: "{not json",
    });
    assert.equal(posted.statusCode, 451);
    const head = await page.inject({ method: "HEAD", url: "/", headers: { host: "allostreaming.com" } });
    assert.equal(head.statusCode, 451);
    assert.equal(head.body, "");
  });
});
