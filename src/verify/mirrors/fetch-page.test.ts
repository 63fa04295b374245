import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { addressRefusal } from "./address-refusal.ts";
import { fetchPage } from "./fetch-page.ts";
import { type SiteSettings, siteSettings } from "./site-settings.ts";

describe("fetching a page as evidence", () => {
  let server: http.Server;
  let settings: SiteSettings;
  const loopback = async () => ["127.0.0.1"];

  before(async () => {
    server = http.createServer((request, response) => {
      const host = (request.headers.host ?? "").replace(/:\d+$/, "");
      if (request.url === "/next")
        response.writeHead(301, { location: `http://hop2.example:${port()}/` }).end();
      else if (host === "hop1.example") response.writeHead(302, { location: "/next" }).end();
      else if (host === "big.example")
        response.writeHead(200, { "content-type": "text/html" }).end("x".repeat(50_000));
      else if (host === "slow.example") setTimeout(() => response.end("late"), 2000).unref();
      else if (host === "loop.example") response.writeHead(302, { location: "/" }).end();
      else response.writeHead(200, { "content-type": "text/html" }).end(`<title>${host}</title>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    settings = siteSettings(
      { host: "127.0.0.1", port: 53 },
      { allowPrivate: true, httpPort: port(), timeoutMs: 500 },
    );
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = () => (server.address() as AddressInfo).port;

  it("refuses loopback, private and special-purpose addresses unless allowed, naming the IANA range", async () => {
    const page = await fetchPage(
      new URL("http://site.example/"),
      { ...settings, allowPrivate: false },
      loopback,
    );
    assert.equal(page.status, null);
    assert.match(page.refused ?? "", /127\.0\.0\.1 is not a public address \(Loopback, 127\.0\.0\.0\/8/);
    assert.equal(page.hops.length, 1);
    assert.match(addressRefusal("10.1.2.3", false) ?? "", /Private-Use, 10\.0\.0\.0\/8 \(RFC 1918\)/);
    assert.match(addressRefusal("fd00::1", false) ?? "", /Unique-Local/);
    assert.equal(addressRefusal("192.0.2.1", true), null);
    assert.equal(addressRefusal("8.8.8.8", false), null);
  });

  it("refuses a public name that resolves to a private address among others", async () => {
    const page = await fetchPage(
      new URL("http://x.example/"),
      { ...settings, allowPrivate: false },
      async () => ["8.8.8.8", "192.168.1.1"],
    );
    assert.match(page.refused ?? "", /192\.168\.1\.1/);
  });

  it("follows redirects, relative and absolute, and records every hop", async () => {
    const page = await fetchPage(new URL("http://hop1.example/"), settings, loopback);
    assert.equal(page.error, null);
    assert.deepEqual(
      page.hops.map((hop) => [hop.url, hop.status]),
      [
        ["http://hop1.example/", 302],
        ["http://hop1.example/next", 301],
        [`http://hop2.example:${port()}/`, 200],
      ],
    );
    assert.equal(page.finalUrl, `http://hop2.example:${port()}/`);
    assert.equal(page.body.toString(), "<title>hop2.example</title>");
  });

  it("gives up after the redirect limit", async () => {
    const page = await fetchPage(new URL("http://loop.example/"), { ...settings, maxRedirects: 3 }, loopback);
    assert.equal(page.error, "too many redirects");
    assert.equal(page.hops.length, 4);
  });

  it("cuts the body at the size bound and says so", async () => {
    const page = await fetchPage(new URL("http://big.example/"), { ...settings, maxBytes: 1000 }, loopback);
    assert.equal(page.bytes, 1000);
    assert.equal(page.truncated, true);
  });

  it("stops a request at the time bound", async () => {
    const page = await fetchPage(new URL("http://slow.example/"), settings, loopback);
    assert.equal(page.status, null);
    assert.match(page.error ?? "", /ABORT|TimeoutError|aborted/i);
  });

  it("reports a name without an address as evidence, not as a failure of decree", async () => {
    const page = await fetchPage(new URL("http://gone.example/"), settings, async () => []);
    assert.equal(page.error, "the name has no address");
  });
});
