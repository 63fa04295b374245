// `npm run docs`: writes the generated documents (scripts/generated-docs.ts) into docs/.
import { writeFileSync } from "node:fs";
import { generatedDocs } from "./generated-docs.ts";

for (const doc of await generatedDocs()) {
  writeFileSync(new URL(`../${doc.path}`, import.meta.url), doc.text);
  process.stdout.write(`wrote ${doc.path}\n`);
}
