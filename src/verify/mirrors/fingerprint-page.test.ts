import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fingerprintPage } from "./fingerprint-page.ts";
import { minHash, shinglesOf, similarityOf } from "./min-hash.ts";

const page = `<!doctype html><html><head><title> Allo  Streaming </title>
<link rel="shortcut icon" href="/static/fav.png"><link rel="stylesheet" href="https://fonts.googleapis.com/css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-AB12CD34EF"></script>
<script>gtag('config', 'UA-1234567-1'); fbq('init', '998877665544');</script>
<script src="https://ads.popnet.example/tag.js?zoneid=42424"></script>
<style>.hidden { display: none }</style></head>
<body><nav><a href="/films">Films</a> <a href="https://partner.example/x">Partenaire</a></nav>
<main><h1>Regarder des films</h1><p>Le dernier voyage du roi perdu</p>
<iframe src="https://player.uqvid.example/embed/1"></iframe><video><source src="https://cdn.vids.example/a.mp4"></video>
<ins class="adsbygoogle" data-ad-client="ca-pub-1234567890123456"></ins><div hidden>caché</div>
<noscript>active JavaScript</noscript></main></body></html>`;

describe("a page's fingerprint", () => {
  const print = fingerprintPage(page, new URL("https://allostreaming.com/"));

  it("keeps the title and the visible text, never scripts, styles, noscript or hidden elements", () => {
    assert.equal(print.title, "Allo Streaming");
    assert.match(print.textSample, /Regarder des films Le dernier voyage du roi perdu/);
    assert.doesNotMatch(print.textSample, /gtag|display|caché|JavaScript|Allo Streaming/);
  });

  it("finds the players, the script hosts and the links out, without the page's own host", () => {
    assert.deepEqual(print.hosts.players, ["cdn.vids.example", "player.uqvid.example"]);
    assert.deepEqual(print.hosts.scripts, ["ads.popnet.example", "www.googletagmanager.com"]);
    assert.deepEqual(print.hosts.outbound, ["partner.example"]);
    assert.deepEqual(print.hosts.assets, ["fonts.googleapis.com"]);
  });

  it("finds analytics, tag, pixel and ad-account ids in scripts and attributes", () => {
    for (const id of [
      "G-AB12CD34EF",
      "UA-1234567-1",
      "fb-pixel:998877665544",
      "ca-pub-1234567890123456",
      "ads.popnet.example:zoneid=42424",
    ]) {
      assert.ok(print.trackingIds.includes(id), id);
    }
  });

  it("resolves the declared favicon, else /favicon.ico, and reads a meta refresh as a redirect", () => {
    assert.equal(print.faviconUrl, "https://allostreaming.com/static/fav.png");
    const bare = fingerprintPage(
      '<html><head><meta http-equiv="Refresh" content="0; URL=\'https://new.example/\'"></head></html>',
      new URL("http://old.example/"),
    );
    assert.equal(bare.faviconUrl, "http://old.example/favicon.ico");
    assert.equal(bare.refreshUrl, "https://new.example/");
  });

  it("gives the same text the same signature whatever the markup, and unrelated text a low similarity", () => {
    const skin = fingerprintPage(
      page.replace("<main>", '<main class="neon"><div class="wrap">').replace("</main>", "</div></main>"),
      new URL("https://allostream.net/"),
    );
    assert.equal(similarityOf(print.textSignature, skin.textSignature), 1);
    assert.ok(similarityOf(print.shapeSignature, skin.shapeSignature) < 1);
    const other = fingerprintPage(
      "<p>Une tout autre page, sur un tout autre sujet, sans rapport.</p>",
      new URL("https://x.example/"),
    );
    assert.ok(similarityOf(print.textSignature, other.textSignature) < 0.1);
  });
});

describe("MinHash", () => {
  it("estimates the Jaccard similarity of two shingle sets within its error", () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const a = shinglesOf(words.slice(0, 300), 3);
    const b = shinglesOf(words.slice(100, 400), 3);
    const exact = [...a].filter((s) => b.has(s)).length / new Set([...a, ...b]).size;
    const estimate = similarityOf(minHash(a), minHash(b));
    assert.ok(Math.abs(estimate - exact) < 0.15, `estimate ${estimate}, exact ${exact}`);
  });

  it("says 0 for an empty set rather than pretending two empty pages are alike", () => {
    assert.equal(similarityOf(minHash([]), minHash([])), 0);
  });
});
