import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import {
  ownersForTarget,
  prefixFromRpzIpOwner,
  recordsForAction,
  rpzIpOwner,
  valuesForOwner,
} from "./rpz-records.ts";

describe("RPZ triggers and actions", () => {
  it("gives a domain its name and its wildcard, and an fqdn its name only", () => {
    assert.deepEqual(ownersForTarget("domain", "allostreaming.com"), [
      "allostreaming.com",
      "*.allostreaming.com",
    ]);
    assert.deepEqual(ownersForTarget("fqdn", "www.allostreaming.com"), ["www.allostreaming.com"]);
    assert.deepEqual(ownersForTarget("url", "https://allostreaming.com/film"), []);
  });

  it("writes response-IP triggers as the RPZ draft's examples do", () => {
    assert.equal(rpzIpOwner("188.114.97.7/32"), "32.7.97.114.188.rpz-ip");
    assert.equal(rpzIpOwner("192.0.2.0/24"), "24.0.2.0.192.rpz-ip");
    assert.equal(rpzIpOwner("2001:db8::3/128"), "128.3.zz.db8.2001.rpz-ip");
    assert.equal(rpzIpOwner("2001:db8::/48"), "48.zz.db8.2001.rpz-ip");
    assert.deepEqual(ownersForTarget("ip", "93.184.215.14"), ["32.14.215.184.93.rpz-ip"]);
  });

  it("reads a response-IP owner back to its prefix", () => {
    for (const prefix of ["188.114.97.7/32", "192.0.2.0/24", "2001:db8::3/128", "2001:db8::/48", "::1/128"]) {
      assert.equal(prefixFromRpzIpOwner(rpzIpOwner(prefix)), prefix);
    }
  });

  it("finds both the address and the host prefix behind a host-length response-IP owner", () => {
    assert.deepEqual(valuesForOwner("32.14.215.184.93.rpz-ip").sort(), ["93.184.215.14", "93.184.215.14/32"]);
    assert.deepEqual(valuesForOwner("*.allostreaming.com"), ["allostreaming.com"]);
  });

  it("answers NXDOMAIN with CNAME . and NODATA with CNAME *.", () => {
    assert.deepEqual(recordsForAction("x.example", "nxdomain", defaultRpzPolicy), [
      { owner: "x.example", rtype: "CNAME", rdata: "." },
    ]);
    assert.deepEqual(recordsForAction("x.example", "nodata", defaultRpzPolicy), [
      { owner: "x.example", rtype: "CNAME", rdata: "*." },
    ]);
  });

  it("points a stop-page action at the stop page's addresses, and falls back to NXDOMAIN without one", () => {
    const policy = { ...defaultRpzPolicy, stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" } };
    assert.deepEqual(
      recordsForAction("x.example", "stop-page", policy).map((r) => `${r.rtype} ${r.rdata}`),
      ["A 192.0.2.80", "AAAA 2001:db8::80"],
    );
    assert.deepEqual(recordsForAction("x.example", "stop-page", defaultRpzPolicy)[0]?.rdata, ".");
  });
});
