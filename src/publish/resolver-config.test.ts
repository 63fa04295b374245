import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DnsAction } from "../intake/order-input.ts";
import type { Operator } from "./operators.ts";
import { type PrimaryEndpoint, resolverConfig, resolverKinds } from "./resolver-config.ts";

// The daemons themselves run these texts in test/resolver-configs/; this checks what each says, kind by kind,
// including the two this machine cannot run (PowerDNS Recursor 5, Knot Resolver 6).

const operator = (action: DnsAction | null): Operator => ({
  id: 1,
  name: "Orange",
  tsig: { keyName: "orange.xfer.decree", algorithm: "hmac-sha256" },
  notify: [],
  allow: [],
  canary: false,
  action,
  kind: "isp",
  previousKey: null,
  createdAt: "2026-11-28T12:00:00Z",
});
const primary: PrimaryEndpoint = {
  zone: "rpz.decree",
  host: "192.0.2.53",
  port: 5300,
  httpBase: "https://decree.example",
  source: "--primary",
  stopPage: { ipv4: "192.0.2.80" },
  stopPageName: "stop.decree.example",
  feedKey: "AAAA",
};

describe("the printed resolver configurations", () => {
  it("name the primary and where its address came from, in every kind", () => {
    for (const kind of resolverKinds) {
      const text = resolverConfig(kind, operator(null), primary);
      const names =
        kind.startsWith("knot-resolver") || kind === "knot"
          ? "https://decree.example/feeds/rpz"
          : "192.0.2.53";
      assert.ok(text.includes(names), `${kind}:\n${text}`);
      if (!kind.startsWith("knot-resolver") && kind !== "knot")
        assert.match(text, /192\.0\.2\.53:5300 \(--primary\)/);
    }
  });

  it("honour the operator's action in every kind that can set one", () => {
    const expected: Record<DnsAction, Record<string, RegExp>> = {
      nxdomain: {
        unbound: /rpz-action-override: nxdomain/,
        bind: /policy nxdomain/,
        powerdns: /defpol=Policy\.NXDOMAIN/,
        "powerdns-5": /defpol: NXDOMAIN/,
        "knot-resolver": /decree_censored\(policy\.DENY, decree_code\(query\)\)/,
      },
      nodata: {
        unbound: /rpz-action-override: nodata/,
        bind: /policy nodata/,
        powerdns: /defpol=Policy\.NODATA/,
        "powerdns-5": /defpol: NODATA/,
        "knot-resolver": /decree_censored\(policy\.ANSWER\(\{\}, true\), decree_code\(query\)\)/,
      },
      "stop-page": {
        unbound:
          /local-data: "stop\.decree\.example\. 60 IN A 192\.0\.2\.80"[\s\S]*rpz-cname-override: "stop\.decree\.example\."/,
        bind: /policy cname stop\.decree\.example/,
        powerdns: /defpol=Policy\.Custom,\n {2}defcontent="stop\.decree\.example\."/,
        "powerdns-5": /defpol: Custom\n {4}defcontent: "stop\.decree\.example\."/,
        "knot-resolver": /\[kres\.type\.A\] = \{ rdata = kres\.str2ip\('192\.0\.2\.80'\)/,
      },
    };
    for (const [action, kinds] of Object.entries(expected)) {
      for (const [kind, pattern] of Object.entries(kinds)) {
        const text = resolverConfig(kind as never, operator(action as DnsAction), primary);
        assert.match(text, pattern, `${kind} with ${action}:\n${text}`);
      }
    }
    assert.match(
      resolverConfig("knot-resolver-6", operator("nodata"), primary),
      /cannot be set on a 6\.x RPZ/,
    );
  });

  it("refuse a CNAME-only stop-page override without the stop page's name", () => {
    const unnamed = { ...primary, stopPageName: undefined };
    for (const kind of ["bind", "powerdns", "powerdns-5"] as const) {
      assert.throws(() => resolverConfig(kind, operator("stop-page"), unnamed), {
        code: "OPERATOR_CONFIG_STOP_PAGE_NAME",
      });
    }
    // Unbound pins a name of its own to the stop page's addresses.
    assert.match(
      resolverConfig("unbound", operator("stop-page"), unnamed),
      /stop-page\.rpz\.decree\. 60 IN A/,
    );
  });
});
