import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pickEncoding } from "./pick-encoding.ts";

describe("the coding a UI file is sent in", () => {
  it("is brotli when accepted, gzip when only gzip is, and none without the header", () => {
    assert.equal(pickEncoding("gzip, deflate, br, zstd"), "br");
    assert.equal(pickEncoding("gzip"), "gzip");
    assert.equal(pickEncoding("x-gzip"), "gzip");
    assert.equal(pickEncoding(undefined), undefined);
    assert.equal(pickEncoding(""), undefined);
    assert.equal(pickEncoding("identity"), undefined);
  });

  it("honours a weight of zero and the wildcard", () => {
    assert.equal(pickEncoding("br;q=0, gzip;q=0.5"), "gzip");
    assert.equal(pickEncoding("BR ; Q=0 , *"), "gzip");
    assert.equal(pickEncoding("*"), "br");
    assert.equal(pickEncoding("*;q=0"), undefined);
    assert.equal(pickEncoding("gzip;q=0, *;q=1"), "br");
    assert.equal(pickEncoding("br;q=nonsense"), undefined);
  });
});
