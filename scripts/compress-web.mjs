#!/usr/bin/env node
// Run by `npm run build:web` after `vite build`: writes NAME.br and NAME.gz beside each text asset of the built UI,
// so that `decree serve` sends them as they are to a browser that accepts them (RFC 9110 §8.4), without a proxy
// and without compressing at each request. Brotli at its highest quality and gzip at level 9: they are made once.
// A variant no smaller than the file is not written; the file is then served as it is.
// Usage: node scripts/compress-web.mjs [FOLDER] (web/dist by default).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const folder = process.argv[2] ?? fileURLToPath(new URL("../web/dist", import.meta.url));
const compressible = new Set([
  ".html",
  ".js",
  ".mjs",
  ".css",
  ".svg",
  ".json",
  ".map",
  ".txt",
  ".xml",
  ".webmanifest",
]);

for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !compressible.has(extname(entry.name))) continue;
  const path = join(entry.parentPath, entry.name);
  const bytes = readFileSync(path);
  const variants = {
    br: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gz: gzipSync(bytes, { level: 9 }),
  };
  for (const [extension, compressed] of Object.entries(variants)) {
    if (compressed.length >= bytes.length) continue;
    writeFileSync(`${path}.${extension}`, compressed);
  }
}
