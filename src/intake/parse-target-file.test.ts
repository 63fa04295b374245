import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecreeError } from "../errors/decree-error.ts";
import { parseTargetText, readTargetFile } from "./parse-target-file.ts";

describe("reading a target file", () => {
  it("takes one target per line, skipping blank lines and comments, and keeps physical line numbers", () => {
    const requests = parseTargetText("# mirrors\nexample.org\r\n\n  *.example.net  \n");
    assert.deepEqual(requests, [
      { input: "example.org", line: 2 },
      { input: "*.example.net", line: 4 },
    ]);
  });

  it("ignores a byte order mark", () => {
    assert.deepEqual(parseTargetText("\ufeffexample.org\n"), [{ input: "example.org", line: 1 }]);
  });

  it("reads CSV with a header naming the target, kind and until columns", () => {
    const requests = parseTargetText('Target,Kind,Until\nexample.org,domain,2026-06-01\n"203.0.113.7",ip,\n');
    assert.deepEqual(requests, [
      { input: "example.org", kind: "domain", until: "2026-06-01", line: 2 },
      { input: "203.0.113.7", kind: "ip", until: undefined, line: 3 },
    ]);
  });

  it("takes the kind from the column name when the CSV has no kind column", () => {
    const [request] = parseTargetText("domain,note\nexample.org,seen on 1 May\n");
    assert.equal(request?.kind, "domain");
  });

  it("refuses a CSV header without a target column with IMPORT_CSV_HEADER", () => {
    assert.throws(
      () => parseTargetText("host,comment\nexample.org,x\n"),
      (error: unknown) => error instanceof DecreeError && error.code === "IMPORT_CSV_HEADER",
    );
  });

  it("refuses a file it cannot read with IMPORT_FILE_UNREADABLE", async () => {
    await assert.rejects(
      readTargetFile("test-artifacts/no-such-dir/targets.txt"),
      (error: unknown) => error instanceof DecreeError && error.code === "IMPORT_FILE_UNREADABLE",
    );
  });
});
