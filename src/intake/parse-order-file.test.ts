import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { parseOrderFile, parseOrderText } from "./parse-order-file.ts";

const hasCode = (code: string) => (error: unknown) => error instanceof DecreeError && error.code === code;

describe("reading an order file", () => {
  it("refuses YAML that does not parse with ORDER_FILE_SYNTAX, naming the file", () => {
    assert.throws(
      () => parseOrderText("court: [unclosed\n", "order.yaml"),
      (error: unknown) => {
        assert.ok(hasCode("ORDER_FILE_SYNTAX")(error));
        assert.match((error as DecreeError).message, /order\.yaml is not valid YAML/);
        return true;
      },
    );
  });

  it("refuses JSON that does not parse with ORDER_FILE_SYNTAX", () => {
    assert.throws(() => parseOrderText("{ court:", "order.json"), hasCode("ORDER_FILE_SYNTAX"));
  });

  it("refuses a file it cannot read with ORDER_FILE_UNREADABLE", async () => {
    await assert.rejects(
      parseOrderFile("test-artifacts/no-such-dir/order.yaml"),
      hasCode("ORDER_FILE_UNREADABLE"),
    );
  });
});
