import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { environmentLocale } from "./environment-locale.ts";
import { negotiateLocale } from "./negotiate-locale.ts";

describe("choosing the language of an answer from Accept-Language (RFC 9110 §12.5.4)", () => {
  it("answers in the fallback, English, without a header or with an empty one", () => {
    assert.equal(negotiateLocale(undefined), "en");
    assert.equal(negotiateLocale(""), "en");
    assert.equal(negotiateLocale(undefined, "fr"), "fr");
  });

  it("finds French for a regional range, as lookup falls back to the primary subtag", () => {
    assert.equal(negotiateLocale("fr-CA"), "fr");
    assert.equal(negotiateLocale("FR_fr"), "fr");
  });

  it("takes the highest weight, whatever the order of the ranges", () => {
    assert.equal(negotiateLocale("en;q=0.4, fr;q=0.8"), "fr");
    assert.equal(negotiateLocale("fr;q=0.3, en"), "en");
    assert.equal(negotiateLocale("de, fr;q=0.5, en;q=0.2"), "fr");
  });

  it("keeps the earlier range on a tie of weights", () => {
    assert.equal(negotiateLocale("fr;q=0.5, en;q=0.5"), "fr");
    assert.equal(negotiateLocale("en;q=0.5, fr;q=0.5"), "en");
  });

  it("never answers in a language weighted q=0, even through *", () => {
    assert.equal(negotiateLocale("en;q=0, *"), "fr");
    assert.equal(negotiateLocale("fr;q=0", "fr"), "fr", "nothing acceptable: the fallback");
  });

  it("lets the most specific range decide for its language", () => {
    assert.equal(negotiateLocale("fr;q=0, fr-CA;q=0.9, en;q=0.5"), "fr");
  });

  it("reads * as any language and keeps the fallback for it", () => {
    assert.equal(negotiateLocale("*"), "en");
    assert.equal(negotiateLocale("*", "fr"), "fr");
    assert.equal(negotiateLocale("de, *;q=0.1, fr;q=0.5"), "fr");
  });

  it("skips malformed weights and languages decree does not speak", () => {
    assert.equal(negotiateLocale("fr;q=2, en;q=0.1"), "en");
    assert.equal(negotiateLocale("fr;q=abc"), "en");
    assert.equal(negotiateLocale("de-DE, ja"), "en");
    assert.equal(negotiateLocale(",,;q=1, fr"), "fr");
  });
});

describe("choosing the language of a command from the environment, as POSIX does", () => {
  it("reads LC_ALL, then LC_MESSAGES, then LANG, the first one set and not empty", () => {
    assert.equal(environmentLocale({ LANG: "fr_FR.UTF-8" }), "fr");
    assert.equal(environmentLocale({ LC_MESSAGES: "en_GB.UTF-8", LANG: "fr_FR.UTF-8" }), "en");
    assert.equal(environmentLocale({ LC_ALL: "fr_BE@euro", LC_MESSAGES: "en_GB", LANG: "en_US" }), "fr");
    assert.equal(environmentLocale({ LC_ALL: "", LANG: "fr_FR" }), "fr");
  });

  it("speaks English for C, POSIX, nothing set, or a language decree does not speak", () => {
    assert.equal(environmentLocale({ LANG: "C.UTF-8" }), "en");
    assert.equal(environmentLocale({ LC_ALL: "POSIX", LANG: "fr_FR" }), "en");
    assert.equal(environmentLocale({}), "en");
    assert.equal(environmentLocale({ LANG: "de_DE.UTF-8" }), "en");
  });
});
