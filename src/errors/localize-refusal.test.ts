import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeholdersOf } from "../locale/format-message.ts";
import { locales } from "../locale/locale.ts";
import { DecreeError } from "./decree-error.ts";
import { type ErrorCode, errorCatalogue } from "./error-catalogue.ts";
import { errorDetails, errorTexts, localizeRefusal } from "./localize-refusal.ts";

const codes = Object.keys(errorCatalogue) as ErrorCode[];

describe("the error texts of every language", () => {
  for (const locale of locales) {
    it(`give every error code a title and a remedy in ${locale}`, () => {
      const missing = codes.filter((code) => {
        const text = errorTexts[locale][code];
        return !text || text.title.trim() === "" || text.remedy.trim() === "";
      });
      assert.deepEqual(missing, [], `no ${locale} text: ${missing.join(", ")}`);
      const extra = Object.keys(errorTexts[locale]).filter((code) => !(code in errorCatalogue));
      assert.deepEqual(extra, [], `${locale} texts of codes the catalogue lacks: ${extra.join(", ")}`);
    });
  }

  for (const [locale, templates] of Object.entries(errorDetails)) {
    it(`parse as ICU messages, for each ${locale} detail template of a code of the catalogue`, () => {
      for (const [code, template] of Object.entries(templates)) {
        assert.ok(code in errorCatalogue, `${code} is not a code`);
        assert.doesNotThrow(() => placeholdersOf(template!), `${locale} ${code}`);
        assert.doesNotMatch(template!, /'[{}]/, `${locale} ${code}: a straight apostrophe quotes a brace`);
      }
    });
  }
});

describe("a refusal told in a language", () => {
  it("is the catalogue's title and the throw site's message in English, as before", () => {
    const error = new DecreeError("AUTH_LOGIN_FAILED", "Wrong email or password; check both and try again.");
    assert.deepEqual(localizeRefusal(error, "en"), {
      title: errorCatalogue.AUTH_LOGIN_FAILED.title,
      detail: error.message,
    });
  });

  it("fills the French detail template from the values the throw site gave", () => {
    const error = new DecreeError("TARGET_PUBLIC_SUFFIX", "github.io is a public suffix…", undefined, {
      name: "github.io",
      section: "PRIVATE",
    });
    const { title, detail } = localizeRefusal(error, "fr");
    assert.equal(title, errorTexts.fr.TARGET_PUBLIC_SUFFIX.title);
    assert.match(detail, /^github\.io est un suffixe public \(section PRIVATE/);
    assert.match(detail, /site\.github\.io\.$/);
  });

  it("says the French remedy, never the English sentence, when the values are missing or no template exists", () => {
    const unfilled = new DecreeError("TARGET_PUBLIC_SUFFIX", "github.io is a public suffix.");
    assert.equal(localizeRefusal(unfilled, "fr").detail, errorTexts.fr.TARGET_PUBLIC_SUFFIX.remedy);
    const partial = new DecreeError("TARGET_PUBLIC_SUFFIX", "github.io is a public suffix.", undefined, {
      name: "github.io",
    });
    assert.equal(localizeRefusal(partial, "fr").detail, errorTexts.fr.TARGET_PUBLIC_SUFFIX.remedy);
    const untemplated = new DecreeError("FEED_UNKNOWN_FORMAT", "There is no feed format xyz.");
    assert.equal(localizeRefusal(untemplated, "fr").detail, errorTexts.fr.FEED_UNKNOWN_FORMAT.remedy);
  });

  it("uses a French detail without values as it is, whatever the throw site said", () => {
    const error = new DecreeError("AUTH_LOGIN_FAILED", "Wrong email or password; check both and try again.");
    assert.match(localizeRefusal(error, "fr").detail, /mot de passe incorrect/);
  });

  it("agrees in number with the values, by the plural rules of the language", () => {
    const one = new DecreeError("RATE_LIMITED", "", undefined, { seconds: 1 });
    const many = new DecreeError("RATE_LIMITED", "", undefined, { seconds: 30 });
    assert.match(localizeRefusal(one, "fr").detail, /dans 1 seconde\.$/);
    assert.match(localizeRefusal(many, "fr").detail, /dans 30 secondes\.$/);
  });
});
