import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const webDist = join(root, "web", "dist");

/**
 * Builds the web UI (as `npm run build:web` does, with its brotli and gzip copies) when web/dist is missing or
 * older than a source file.
 */
export function ensureWebBuilt(): void {
  const built = modifiedAt(join(webDist, "index.html"));
  const sources = join(root, "web");
  const newest = Math.max(
    ...["index.html", "vite.config.ts"].map((file) => modifiedAt(join(sources, file))),
    ...readdirSync(join(sources, "src"), { recursive: true }).map((file) =>
      modifiedAt(join(sources, "src", String(file))),
    ),
  );
  if (built !== 0 && built >= newest) return;
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "web"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  const compressed = spawnSync(process.execPath, [join(root, "scripts", "compress-web.mjs"), webDist], {
    encoding: "utf8",
  });
  if (compressed.status !== 0) throw new Error(`compressing web/dist failed:\n${compressed.stderr}`);
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
