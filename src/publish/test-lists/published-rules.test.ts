import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkCitizenLabList,
  checkOoniRunDescriptor,
  citizenLabLegend,
} from "../../../test/support/published-test-list-rules.ts";
import { citizenLabCategories } from "../../vocabulary/citizen-lab-categories.ts";
import { citizenLabCsv } from "./citizen-lab-csv.ts";
import { ooniRunDescriptor } from "./ooni-run-descriptor.ts";
import type { TestListEntry } from "./test-list-entries.ts";

function entry(url: string, overrides: Partial<TestListEntry> = {}): TestListEntry {
  return {
    url,
    kind: url.endsWith("/") && url.split("/").length === 4 ? "fqdn" : "url",
    dateAdded: "2026-11-28",
    orderId: 7,
    orderKind: "court",
    authority: "Tribunal judiciaire de Paris",
    jurisdiction: "FR",
    caseNumber: "RG 26/00001",
    decisionDate: "2026-11-20",
    category: undefined,
    ...overrides,
  } as TestListEntry;
}

const orderUrl = (id: number) => `https://decree.example.fr/orders/${id}`;

describe("the open test lists against the rules their publishers state", () => {
  it("carries exactly the legend's codes and descriptions", () => {
    assert.deepEqual(citizenLabCategories, citizenLabLegend);
  });

  it("writes a Citizen Lab list that passes the lists' lint, whatever the orders' texts hold", () => {
    const csv = citizenLabCsv(
      [
        entry("https://allostreaming.com/"),
        entry("https://xn--strming-9xa.example/", { category: "LGBT" }),
        entry("https://files.filmzone.net/film/123?id=4"),
        // A court's texts may hold what the lists forbid in source and notes: tabs, line breaks, backslashes.
        entry("https://streamzz.cc/", {
          authority: "Tribunal judiciaire\tde Paris\r\n3e chambre",
          caseNumber: "RG 26\\00042",
        }),
        // URLs a list cannot hold: a name with an underscore, a space, a backslash, no path.
        entry("https://_service.example.com/"),
        entry("https://bad.example/a b"),
        entry("https://bad.example/a\\b"),
        entry("https://bad.example"),
      ],
      undefined,
      orderUrl,
    );
    const rows = checkCitizenLabList(csv);
    assert.deepEqual(
      rows.map((row) => row[0]),
      [
        "https://allostreaming.com/",
        "https://xn--strming-9xa.example/",
        "https://files.filmzone.net/film/123?id=4",
        "https://streamzz.cc/",
      ],
    );
    assert.deepEqual(rows[1]!.slice(1, 3), ["LGBT", "LGBT"]);
    assert.equal(
      rows[3]![4],
      "decree: Tribunal judiciaire de Paris 3e chambre, case RG 26/00042 (2026-11-20, FR)",
    );
  });

  it("writes an OONI Run v2 descriptor that the OONI API's model accepts, for any order and any registry URL", () => {
    const entries = [entry("https://allostreaming.com/"), entry("https://streamzz.cc/")];
    for (const scope of [
      { author: "https://decree.example.fr", link: "https://decree.example.fr/public/orders" },
      { orderId: 7, author: "decree", link: orderUrl(7) },
      // The largest id a JSON number holds exactly, and a registry URL longer than an author may be.
      { orderId: Number.MAX_SAFE_INTEGER, author: `https://${"d".repeat(120)}.example`, link: orderUrl(1) },
    ]) {
      const descriptor = ooniRunDescriptor(entries, scope);
      checkOoniRunDescriptor(descriptor as unknown as Record<string, unknown>);
      assert.deepEqual(descriptor.nettests[0]!.inputs, [
        "https://allostreaming.com/",
        "https://streamzz.cc/",
      ]);
    }
    checkOoniRunDescriptor(
      ooniRunDescriptor([], { author: "decree", link: "/public/orders" }) as unknown as Record<
        string,
        unknown
      >,
    );
  });
});
