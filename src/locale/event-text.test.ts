import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventActions } from "../vocabulary/vocabulary.ts";
import { eventText, eventTexts } from "./event-text.ts";
import { placeholdersOf } from "./format-message.ts";
import { locales } from "./locale.ts";

const named = ["added", "count", "id", "kind", "name", "removed", "serial", "target"];

describe("the sentence of every event, in every language", () => {
  it("has a text for every event action in every language, and no text for an action that does not exist", () => {
    for (const locale of locales) {
      const missing = eventActions.filter((action) => !eventTexts[locale][action]?.trim());
      assert.deepEqual(missing, [], `${locale} lacks the text of these event actions`);
      const unknown = Object.keys(eventTexts[locale]).filter(
        (key) => !(eventActions as readonly string[]).includes(key),
      );
      assert.deepEqual(unknown, [], `${locale} has texts for no event action`);
    }
  });

  it("fills the same values in each language as in English, all among those an event gives", () => {
    for (const action of eventActions) {
      const english = placeholdersOf(eventTexts.en[action]);
      for (const name of english)
        assert.ok(named.includes(name), `${action} names {${name}}, which no event gives`);
      for (const locale of locales) {
        assert.deepEqual(placeholdersOf(eventTexts[locale][action]), english, `${locale} ${action}`);
      }
    }
  });

  it("makes a sentence of any event, even one whose data lacks what its text names", () => {
    for (const locale of locales) {
      for (const action of eventActions) {
        const text = eventText({ action, subjectType: "release", subjectId: 7, data: "{}" }, locale);
        assert.ok(text.length > 0 && !text.includes("{"), `${locale} ${action}: ${text}`);
      }
    }
  });

  it("counts with plural forms and names the target, in English and in French", () => {
    const published = {
      action: "release.published",
      subjectType: "release",
      subjectId: 3,
      data: { serial: 41, added: 1, removed: 2 },
    };
    assert.equal(eventText(published, "en"), "Release 41 published: 1 entry added, 2 removed");
    assert.equal(eventText(published, "fr"), "Publication 41 : 1 entrée ajoutée, 2 retirées");
    const approved = {
      action: "target.approved",
      subjectType: "target",
      subjectId: 9,
      target: { value: "allostreaming.net" },
    };
    assert.equal(eventText(approved, "en"), "Target allostreaming.net approved");
    assert.equal(eventText(approved, "fr"), "Cible allostreaming.net approuvée");
    const reported = {
      action: "target.reported",
      subjectType: "target",
      subjectId: 9,
      data: { kind: "cannot-apply" },
    };
    assert.equal(eventText(reported, "fr"), "Cible #9 signalée par un opérateur (impossible à appliquer)");
  });

  it("names an action this build does not know as it is, with its subject", () => {
    assert.equal(
      eventText({ action: "target.teleported", subjectType: "target", subjectId: 4 }, "fr"),
      "target.teleported (target 4)",
    );
  });
});
