import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeholdersOf } from "../locale/format-message.ts";
import { locales } from "../locale/locale.ts";
import { findingCodes } from "../vocabulary/vocabulary.ts";
import { findingMessage, findingTexts, localizedFinding } from "./finding-message.ts";
import { findingTextsEn } from "./finding-texts-en.ts";

describe("the finding texts of every language", () => {
  for (const locale of locales) {
    it(`give every finding code a message in ${locale}, an ICU message that parses`, () => {
      const missing = findingCodes.filter((code) => !findingTexts[locale][code]?.trim());
      assert.deepEqual(missing, [], `no ${locale} message: ${missing.join(", ")}`);
      for (const code of findingCodes) {
        assert.doesNotThrow(() => placeholdersOf(findingTexts[locale][code]), `${locale} ${code}`);
      }
    });

    it(`fill, in ${locale}, the same values as the English message of each code`, () => {
      for (const code of findingCodes) {
        assert.deepEqual(
          placeholdersOf(findingTexts[locale][code]),
          placeholdersOf(findingTextsEn[code]),
          `${locale} ${code}`,
        );
      }
    });
  }
});

describe("a finding told in a language", () => {
  const params = { name: "github.io", section: "PRIVATE" };

  it("is the message the check stored in English, and the same code and values in French", () => {
    const finding = {
      check: "public-suffix-scope",
      code: "TARGET_PUBLIC_SUFFIX" as const,
      message: findingMessage("TARGET_PUBLIC_SUFFIX", params),
      params,
    };
    assert.match(finding.message, /^github\.io is a public suffix \(PRIVATE section/);
    assert.equal(localizedFinding(finding, "en"), finding);
    const french = localizedFinding(finding, "fr");
    assert.match(french.message, /^github\.io est un suffixe public \(section PRIVATE/);
    assert.equal(french.code, "TARGET_PUBLIC_SUFFIX");
  });

  it("keeps the stored English message of a finding recorded without its values", () => {
    const old = { code: "TARGET_PUBLIC_SUFFIX" as const, message: "github.io is a public suffix." };
    assert.equal(localizedFinding(old, "fr").message, old.message);
  });

  it("joins alternatives the way each language does", () => {
    const values = { orderId: 1, measures: "ip-block", kind: "fqdn", needed: ["dns-block", "delist"] };
    assert.match(findingMessage("ORDER_MEASURE_NOT_GRANTED", values), /needs dns-block or delist\.$/);
    assert.match(findingMessage("ORDER_MEASURE_NOT_GRANTED", values, "fr"), /demande dns-block ou delist\.$/);
  });
});
