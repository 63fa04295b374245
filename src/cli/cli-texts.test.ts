import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeholdersOf } from "../locale/format-message.ts";
import { locales } from "../locale/locale.ts";
import { type CliTextKey, cliText, cliTexts, cliWord } from "./cli-texts.ts";

const keys = Object.keys(cliTexts.en) as CliTextKey[];

describe("the commands' texts in every language", () => {
  it("has every text in every language, filling the same values as in English", () => {
    for (const locale of locales) {
      for (const key of keys) {
        assert.ok(cliTexts[locale][key]?.trim(), `${locale} lacks ${key}`);
        assert.deepEqual(
          placeholdersOf(cliTexts[locale][key]),
          placeholdersOf(cliTexts.en[key]),
          `${locale} ${key}`,
        );
      }
    }
  });

  it("says one and many apart, in English as in French", () => {
    assert.equal(
      cliText("en", "targets.added", { orderId: 3, added: 1, rejected: 0 }),
      "order 3: 1 target proposed, 0 rejected",
    );
    assert.equal(
      cliText("fr", "targets.added", { orderId: 3, added: 1, rejected: 2 }),
      "décision 3 : 1 cible proposée, 2 refusées",
    );
    assert.equal(
      cliText("en", "releases.withdrawn", { serial: 9, count: 1 }),
      "release 9 withdrawn: 1 entry suspended; the next release takes it out",
    );
    assert.equal(cliText("fr", "order.count", { count: 1, state: cliWord("fr", "proposed") }), "1 proposée");
    assert.equal(cliText("fr", "order.count", { count: 4, state: cliWord("fr", "lifted") }), "4 levées");
    assert.match(
      cliText("en", "probe.swept", { resolvers: 1, queries: 1, names: 1, runId: 5 }),
      /^probed 1 resolver: 1 question about 1 name \(run 5\)$/,
    );
  });
});
