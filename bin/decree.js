#!/usr/bin/env node
// Runs the compiled program in dist/ (`npm run build`): compiling on every run cost a second per command.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    "decree: NOT_BUILT: this checkout has no dist/ yet; run `npm run build` (npm start and npm test build first).\n",
  );
  process.exit(1);
}
const { main: run } = await import(main.href);
await run(process.argv);
