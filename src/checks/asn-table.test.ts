import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { AsnTable, asnTable } from "./asn-table.ts";

const dataset = { source: "test", licence: "test", date: "2026-12-01", folder: "test" };

describe("the IP-to-ASN table", () => {
  it("finds the shipped dataset's operator of Cloudflare's, Quad9's and Hetzner's addresses, v4 and v6", () => {
    const table = asnTable();
    assert.match(table.dataset.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(table.dataset.ranges > 100_000);
    assert.equal(table.lookup("104.16.0.1")[0]?.asn, 13335);
    assert.equal(table.lookup("9.9.9.9")[0]?.asn, 19281);
    assert.equal(table.lookup("2a01:4f8::1")[0]?.asn, 24940);
    assert.equal(table.lookup("2606:4700:4700::1111")[0]?.organisation, "Cloudflare, Inc.");
  });

  it("lists every network a prefix spans, and none for an address nobody announces", () => {
    const v4 = '16777216,16777471,13335,"Cloudflare, Inc."\n16777472,16777727,64500,Example "Quoted" Net\n';
    const v6 = "42540766411282592856903984951653826560,42540766411282592875350729025363378175,64501,Doc\n";
    const table = new AsnTable(v4, v6, dataset);
    assert.deepEqual(
      table.lookup("1.0.0.0/23").map((range) => [range.asn, range.first, range.last]),
      [
        [13335, "1.0.0.0", "1.0.0.255"],
        [64500, "1.0.1.0", "1.0.1.255"],
      ],
    );
    assert.equal(table.lookup("1.0.0.1")[0]?.organisation, "Cloudflare, Inc.");
    assert.deepEqual(table.lookup("1.0.2.1"), []);
    assert.equal(table.lookup("2001:db8::1")[0]?.asn, 64501);
    assert.equal(table.lookup("2001:db8::1")[0]?.first, "2001:db8::");
  });

  it("keeps the earlier row where two rows overlap, and refuses rows out of order or not numbers", () => {
    const table = new AsnTable("100,200,1,A\n150,300,2,B\n160,170,3,C\n", "", dataset);
    assert.deepEqual(
      table.lookup("0.0.0.180").map((range) => range.asn),
      [1],
    );
    assert.equal(table.lookup("0.0.0.250")[0]?.asn, 2);
    for (const csv of ["300,400,1,A\n100,200,2,B\n", "1.0.0.0,1.0.0.255,13335,Cloudflare\n"]) {
      assert.throws(
        () => new AsnTable(csv, "", dataset),
        (error: unknown) => error instanceof DecreeError && error.code === "ASN_DATA_INVALID",
      );
    }
    assert.throws(
      () => asnTable("/nonexistent/asn-release"),
      (error: unknown) => error instanceof DecreeError && error.code === "ASN_DATA_INVALID",
    );
  });
});
