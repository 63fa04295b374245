import { fileURLToPath } from "node:url";

/**
 * Where `npm run build:web` puts the UI: web/dist, two folders up from this module both in src/http/ and in the
 * bundle in dist/cli/.
 */
export const defaultWebRoot = fileURLToPath(new URL("../../web/dist", import.meta.url));
