import { readFileSync } from "node:fs";

/** The version in package.json, which sits two folders up from both src/cli/ and the built dist/cli/. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return manifest.version ?? "unknown";
}
