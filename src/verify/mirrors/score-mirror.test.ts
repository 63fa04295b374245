import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findingMessage } from "../../checks/finding-message.ts";
import { localizedScore, wordedScore } from "../../checks/mirror-explanation.ts";
import type { SiteEvidence } from "./collect-site-evidence.ts";
import { fingerprintPage } from "./fingerprint-page.ts";
import { scoreMirror } from "./score-mirror.ts";

function site(name: string, html: string, extra: Partial<SiteEvidence> = {}): SiteEvidence {
  const url = `https://${name}/`;
  return {
    name,
    capturedAt: "2026-06-01T00:00:00.000Z",
    dns: { name, cnames: [], a: [], aaaa: [], ns: [], mx: [], status: "ok", server: "127.0.0.1:53" },
    fetch: {
      hops: [{ url, address: "192.0.2.1", status: 200, ms: 1 }],
      finalUrl: url,
      status: 200,
      contentType: "text/html",
      bytes: html.length,
      truncated: false,
      sha256: null,
      error: null,
      refused: null,
    },
    tls: null,
    page: fingerprintPage(html, new URL(url)),
    favicon: null,
    ...extra,
  };
}

const words = (seed: number, n: number) =>
  Array.from({ length: n }, (_, i) => `mot${(i * 7919 + seed * 104729) % 100003}`).join(" ");

describe("the mirror score", () => {
  const original = site("allostreaming.com", `<main><p>${words(1, 300)}</p></main>`);

  it("makes a redirect from the blocked site enough on its own, and says so", () => {
    const moved = site("allostreaming2.com", `<p>${words(2, 300)}</p>`);
    const redirected = {
      ...original,
      fetch: {
        ...original.fetch,
        hops: [
          {
            url: "https://allostreaming.com/",
            address: "192.0.2.1",
            status: 301,
            location: "https://allostreaming2.com/",
            ms: 1,
          },
          { url: "https://allostreaming2.com/", address: "192.0.2.2", status: 200, ms: 1 },
        ],
        finalUrl: "https://allostreaming2.com/",
      },
    };
    const score = scoreMirror(redirected, moved);
    assert.equal(score.verdict, "mirror");
    assert.match(score.explanation, /redirect from allostreaming\.com/);
  });

  it("never calls a site a mirror for its name alone", () => {
    const parked = site("allostreaming.org", "<h1>This domain may be for sale</h1>");
    const score = scoreMirror(original, parked);
    assert.equal(score.verdict, "not-mirror");
    assert.ok(score.signals.find((s) => s.signal === "similar-name")?.matched);
    assert.match(score.explanation, /^not a mirror \(score 0\.\d\d\): similar name .*; page text differs/);
  });

  it("explains itself in French with the same values, numbers written the French way", () => {
    const parked = site("allostreaming.org", "<h1>This domain may be for sale</h1>");
    const score = localizedScore(scoreMirror(original, parked), "fr");
    assert.match(
      score.explanation,
      /^pas un miroir \(score 0,\d\d\) : nom semblable \(allostreaming\.org ~ allostreaming\.com\) ; texte de page différent \(\d+ % des phrases en commun\)$/,
    );
    assert.equal(
      score.signals.find((s) => s.signal === "same-favicon")?.detail,
      "favicon différente ou absente",
    );
    assert.ok(
      !/[a-z] (of|no|same|and) [a-z]/.test(score.explanation),
      "no English inside the French sentence",
    );
  });

  it("keeps in a mirror finding what makes its explanation again in each language", () => {
    const parked = site("allostreaming.org", "<h1>This domain may be for sale</h1>");
    const score = scoreMirror(original, parked);
    const params = {
      name: "allostreaming.org",
      original: "allostreaming.com",
      explanation: score.explanation,
      mirror: JSON.stringify(wordedScore(score)),
    };
    assert.equal(
      findingMessage("MIRROR_WEAK_EVIDENCE", params, "en"),
      `allostreaming.org compared with allostreaming.com: ${score.explanation}.`,
    );
    assert.match(
      findingMessage("MIRROR_WEAK_EVIDENCE", params, "fr"),
      /^allostreaming\.org comparé à allostreaming\.com : pas un miroir \(score 0,/,
    );
    const { mirror: _, ...older } = params;
    assert.match(
      findingMessage("MIRROR_WEAK_EVIDENCE", older, "fr"),
      /: not a mirror/,
      "a finding stored before keeps its words",
    );
  });

  it("counts a certificate that also names the blocked site, wildcards included", () => {
    const tls = {
      subject: "CN=x",
      altNames: ["*.allostreaming.com", "films-hd.example"],
      issuer: "CN=R3",
      validFrom: "",
      validTo: "",
      sha256: "AA",
      authorized: true,
    };
    const www = site("www.allostreaming.com", "<p>autre</p>");
    const candidate = site("films-hd.example", "<p>autre</p>", { tls });
    assert.equal(
      scoreMirror(www, candidate).signals.find((s) => s.signal === "same-certificate")?.matched,
      true,
    );
    assert.equal(
      scoreMirror(original, candidate).signals.find((s) => s.signal === "same-certificate")?.matched,
      false,
      "*.allostreaming.com does not cover allostreaming.com itself",
    );
  });

  it("ignores hosts every site pulls in, and counts a mirror served by the blocked site's own name server", () => {
    const dns = (name: string, ns: string[]) => ({
      name,
      cnames: [],
      a: [],
      aaaa: [],
      ns,
      mx: [],
      status: "ok" as const,
      server: "",
    });
    const tag = '<script src="https://www.googletagmanager.com/gtag/js"></script>';
    const a = site("a-films.example", `${tag}<p>un</p>`, {
      dns: dns("a-films.example", ["ns1.a-films.example"]),
    });
    const b = site("b-films.example", `${tag}<p>deux</p>`, {
      dns: dns("b-films.example", ["ns1.a-films.example"]),
    });
    const c = site("c-films.example", `${tag}<p>trois</p>`, {
      dns: dns("c-films.example", ["ns1.c-films.example"]),
    });
    assert.equal(scoreMirror(a, b).signals.find((s) => s.signal === "same-script-hosts")?.matched, false);
    assert.equal(scoreMirror(a, b).signals.find((s) => s.signal === "same-name-servers")?.matched, true);
    assert.equal(scoreMirror(a, c).signals.find((s) => s.signal === "same-name-servers")?.matched, false);
  });

  it("scores nothing for a site that could not be fetched", () => {
    const gone = { ...site("gone.example", ""), page: null };
    const score = scoreMirror(original, gone);
    assert.equal(score.verdict, "not-mirror");
    assert.equal(score.signals.find((s) => s.signal === "same-text")?.points, 0);
  });
});
