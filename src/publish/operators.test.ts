import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { addOperator, listOperators } from "./operators.ts";

const by = { actor: "test:shell", now: new Date("2026-06-01T12:00:00Z") };

describeEachEngine("registering operators", (store) => {
  it("registers an operator without a TSIG key, allowed by address, and refuses its name a second time", async () => {
    const added = await addOperator(
      store().db,
      { name: "Keyless ISP", tsig: false, allow: ["192.0.2.53"] },
      by,
    );
    assert.equal(added.secret, null);
    assert.equal(added.operator.tsig, null);
    const again = await addOperator(store().db, { name: "Keyless ISP", tsig: false }, by).catch((e) => e);
    assert.ok(again instanceof DecreeError);
    assert.equal(again.code, "OPERATOR_DUPLICATE");
  });

  it("registers operators with and without keys side by side", async () => {
    const keyed = await addOperator(store().db, { name: "Keyed ISP" }, by);
    await addOperator(store().db, { name: "Second keyless ISP", tsig: false }, by);
    assert.match(keyed.secret ?? "", /^[A-Za-z0-9+/]{43}=$/);
    const names = (await listOperators(store().db)).map((operator) => operator.name);
    assert.ok(names.includes("Keyed ISP") && names.includes("Second keyless ISP"));
  });

  it("refuses an operator whose name, secondary, allowed address or action is malformed", async () => {
    for (const input of [
      { name: "  " },
      { name: "Bad notify ISP", notify: ["not-an-address"] },
      { name: "Bad allow ISP", allow: ["300.1.2.3"] },
      { name: "Bad action ISP", action: "drop-everything" },
    ]) {
      await assert.rejects(
        addOperator(store().db, input, by),
        (error: unknown) => error instanceof DecreeError && error.code === "OPERATOR_INVALID",
        JSON.stringify(input),
      );
    }
    const names = (await listOperators(store().db)).map((operator) => operator.name);
    assert.ok(!names.some((name) => name.startsWith("Bad ")));
  });
});
