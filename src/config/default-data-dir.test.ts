import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { defaultDataDir } from "./default-data-dir.ts";

test("a git checkout keeps its state in its own var/, not in the shipped data/", () => {
  const root = mkdtempSync(join(tmpdir(), "decree-checkout-"));
  try {
    mkdirSync(join(root, ".git"));
    assert.equal(defaultDataDir({ XDG_STATE_HOME: "/state" }, root), join(root, "var"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("an installed program keeps its state in the XDG state folder, ~/.local/state/decree by default", () => {
  const root = mkdtempSync(join(tmpdir(), "decree-installed-"));
  try {
    assert.equal(defaultDataDir({ XDG_STATE_HOME: "/state" }, root), "/state/decree");
    assert.equal(defaultDataDir({}, root), join(homedir(), ".local", "state", "decree"));
    assert.equal(
      defaultDataDir({ XDG_STATE_HOME: "relative" }, root),
      join(homedir(), ".local", "state", "decree"),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
