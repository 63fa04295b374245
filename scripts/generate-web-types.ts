// `npm run types:web`: writes web/src/api-schema.ts, the web UI's types of the API (scripts/web-api-schema.ts).
import { writeFileSync } from "node:fs";
import { webApiSchema, webApiSchemaPath } from "./web-api-schema.ts";

writeFileSync(new URL(`../${webApiSchemaPath}`, import.meta.url), await webApiSchema());
process.stdout.write(`wrote ${webApiSchemaPath}\n`);
