import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { placeholdersOf } from "../locale/format-message.ts";
import { locales } from "../locale/locale.ts";
import { mirrorExplanation, mirrorTexts } from "./mirror-explanation.ts";
import { type MirrorTextKey, mirrorTextsEn } from "./mirror-texts-en.ts";

const keys = Object.keys(mirrorTextsEn) as MirrorTextKey[];

describe("the mirror evidence in every language", () => {
  it("has every text in every language, filling the same values as in English", () => {
    for (const locale of locales) {
      for (const key of keys) {
        assert.ok(mirrorTexts[locale][key]?.trim(), `${locale} lacks ${key}`);
        assert.deepEqual(
          placeholdersOf(mirrorTexts[locale][key]),
          placeholdersOf(mirrorTextsEn[key]),
          `${locale} ${key}`,
        );
      }
    }
  });

  it("counts what two sites share with plural forms", () => {
    const score = {
      verdict: "mirror" as const,
      score: 0.6,
      signals: [
        {
          signal: "same-addresses",
          matched: true,
          points: 0.05,
          detailKey: "addresses.match" as const,
          detailParams: { count: 1, items: "192.0.2.7" },
        },
        {
          signal: "same-tracking-ids",
          matched: true,
          points: 0.3,
          detailKey: "tracking.match" as const,
          detailParams: { count: 2, items: "UA-1, UA-2" },
        },
      ],
    };
    assert.equal(
      mirrorExplanation(score, "en"),
      "mirror (score 0.60): same analytics or ad account ids (UA-1, UA-2), same address (192.0.2.7)",
    );
    assert.equal(
      mirrorExplanation(score, "fr"),
      "miroir (score 0,60) : mêmes identifiants de mesure d’audience ou de régie publicitaire (UA-1, UA-2), même adresse (192.0.2.7)",
    );
  });

  it("leaves the stored English explanation to a score whose signals were stored without their texts' keys", () => {
    assert.equal(
      mirrorExplanation(
        { verdict: "mirror", score: 1, signals: [{ signal: "same-text", matched: true, points: 0.5 }] },
        "fr",
      ),
      undefined,
    );
  });
});
