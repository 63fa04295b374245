#!/usr/bin/env node
// Runs the program bundled into dist/cli/ by `npm run build`: compiling on every run cost a second per command,
// and loading tsc's output file by file still cost two thirds of a command's start-up.
import { existsSync } from "node:fs";
import module from "node:module";

const main = new URL("../dist/cli/main.mjs", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    "decree: NOT_BUILT: this checkout has no dist/ yet; run `npm run build` (npm start and npm test build first).\n",
  );
  process.exit(1);
}
// Node 22.1 and later keep V8's compiled code between runs (in the OS's temporary folder unless
// NODE_COMPILE_CACHE says where); Node 20 has no such cache and starts without it.
module.enableCompileCache?.();
const { main: run } = await import(main.href);
await run(process.argv);
