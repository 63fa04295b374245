import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mirrorCandidates } from "./mirror-candidates.ts";

describe("mirror candidates", () => {
  const candidates = mirrorCandidates("allostreaming.com");
  const names = new Set(candidates.map((c) => c.name));

  it("moves the label to other top-level domains", () => {
    for (const name of ["allostreaming.net", "allostreaming.to", "allostreaming.fr", "allostreaming.xyz"]) {
      assert.ok(names.has(name), name);
    }
  });

  it("adds digits, hyphens, common prefixes and suffixes, under the original and other TLDs", () => {
    for (const name of [
      "allostreaming2.com",
      "allostreaming24.net",
      "allo-streaming.com",
      "new-allostreaming.com",
      "allostreaming-hd.com",
      "allostreamingvf.cc",
    ]) {
      assert.ok(names.has(name), name);
    }
  });

  it("makes typos: a letter dropped, doubled, swapped with its neighbour or replaced by a look-alike digit", () => {
    for (const name of ["allostreamng.com", "alllostreaming.com", "allostreamign.com", "all0streaming.com"]) {
      assert.ok(names.has(name), name);
    }
  });

  it("never proposes the blocked name itself, nor the same name twice, and says how each was made", () => {
    assert.equal(names.has("allostreaming.com"), false);
    assert.equal(names.size, candidates.length);
    assert.equal(candidates.find((c) => c.name === "allostreaming.net")?.kind, "tld");
    assert.equal(candidates.find((c) => c.name === "allo-streaming.com")?.kind, "hyphen");
    assert.ok(candidates.every((c) => c.from === "allostreaming.com"));
  });

  it("works from the registrable domain of a subdomain and of a multi-label public suffix", () => {
    assert.ok(mirrorCandidates("www.dpstream.tv").some((c) => c.name === "dpstream.com"));
    assert.ok(mirrorCandidates("films.co.uk").some((c) => c.name === "films.com"));
  });

  it("stops at the limit, the likeliest kinds first", () => {
    const few = mirrorCandidates("allostreaming.com", 10);
    assert.equal(few.length, 10);
    assert.ok(few.every((c) => c.kind === "tld"));
  });

  it("gives nothing for a name with no registrable part", () => {
    assert.deepEqual(mirrorCandidates("com"), []);
  });
});
