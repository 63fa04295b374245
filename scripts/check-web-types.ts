// A step of `npm run check`: fails when web/src/api-schema.ts is not what `npm run types:web` writes from the
// routes as they are, so that the UI is never compiled against an API that changed under it. Usage:
// node --import tsx scripts/check-web-types.ts [FILE] (the committed web/src/api-schema.ts by default).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { webApiSchema, webApiSchemaPath, webTypesScript } from "./web-api-schema.ts";

const file = process.argv[2] ?? fileURLToPath(new URL(`../${webApiSchemaPath}`, import.meta.url));
let committed: string | undefined;
try {
  committed = readFileSync(file, "utf8");
} catch {
  committed = undefined;
}
const generated = await webApiSchema();
if (committed !== generated) {
  const line = committed === undefined ? 0 : firstDifference(committed, generated);
  process.stderr.write(
    `${webApiSchemaPath} is ${committed === undefined ? "missing" : `stale (from line ${line})`}: the API's ` +
      `schemas changed. Run \`${webTypesScript}\` and commit the result.\n`,
  );
  process.exit(1);
}

function firstDifference(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}
