import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { en } from "../../web/src/messages-en.ts";
import { checks } from "../checks/index.ts";
import { errorCatalogue } from "../errors/error-catalogue.ts";
import * as vocabulary from "./vocabulary.ts";

const lists = Object.entries(vocabulary as Record<string, unknown>).filter(
  (entry): entry is [string, readonly string[]] => Array.isArray(entry[1]),
);

describe("the vocabulary", () => {
  it("names each word of a set once", () => {
    for (const [name, list] of lists) {
      assert.equal(new Set(list).size, list.length, `${name} repeats a word`);
    }
  });

  it("lists the checks in the order they run, then the mirror evidence", () => {
    assert.deepEqual(vocabulary.checkNames, [...checks.map((check) => check.name), "mirror-evidence"]);
  });

  it("gives every finding code a title and a remedy in the error catalogue", () => {
    const missing = vocabulary.findingCodes.filter((code) => !(code in errorCatalogue));
    assert.deepEqual(missing, []);
  });

  it("writes each event action as thing.verb, in lowercase words", () => {
    const strays = vocabulary.eventActions.filter(
      (action) => !/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/.test(action),
    );
    assert.deepEqual(strays, []);
  });

  it("has a label in the web UI for every state of a target and of an appeal", () => {
    const states = [...vocabulary.targetStates, ...vocabulary.appealStates];
    const unlabelled = states.filter((state) => !(`state.${state}` in en));
    assert.deepEqual(unlabelled, []);
  });

  it("has a word in the web UI for every measure, addressee role, order state and role", () => {
    const keys = [
      ...vocabulary.measures.map((word) => `measure.${word}`),
      ...vocabulary.addresseeRoles.map((word) => `addresseeRole.${word}`),
      ...vocabulary.orderStates.map((word) => `orderState.${word}`),
      ...vocabulary.roles.map((word) => `role.${word}`),
    ];
    assert.deepEqual(
      keys.filter((key) => !(key in en)),
      [],
    );
  });

  it("tells members from other strings", () => {
    assert.equal(vocabulary.isOneOf(vocabulary.roles, "auditor"), true);
    assert.equal(vocabulary.isOneOf(vocabulary.roles, "Auditor"), false);
    assert.equal(vocabulary.isOneOf(vocabulary.dnsActions, "drop"), false);
  });
});
