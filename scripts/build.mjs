#!/usr/bin/env node
// `npm run build`: bundles the program (src/cli/main.ts and every command it loads on demand) into dist/cli/ with
// esbuild. One file per command plus the chunks they share, instead of the ~400 files Node's ESM loader resolves,
// reads and compiles one by one when it runs tsc's output: that was two thirds of a command's start-up.
// Type checking is `npm run check` (tsc --noEmit); esbuild only strips the types.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = join(root, "dist", "cli");

// Packages compiled into the bundle: pure JavaScript that finds no file of its own at run time. Every other
// package stays a plain import resolved from node_modules: native addons (better-sqlite3), packages that read
// their own files or start workers from them (pino, @fastify/static, @fastify/swagger-ui, @ip-location-db/asn),
// and what only `decree serve` loads (the Fastify stack), where start-up time matters less than being the very
// code that was tested. A new dependency is therefore left out until it is added here.
const bundled = new Set([
  "canonicalize",
  "cli-progress",
  "commander",
  "csv-parse",
  "dns-packet",
  "domhandler",
  "fastest-levenshtein",
  "htmlparser2",
  "ical.js",
  "ipaddr.js",
  "kysely",
  "tldts",
  "tr46",
  "yaml",
  "zod",
]);

const packageName = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

const dependencies = {
  name: "decree-dependencies",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === "node:child_process" && args.importer.includes(`${sep}commander${sep}`)) {
        return { path: args.path, namespace: "lazy-child-process" };
      }
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (args.kind === "entry-point" || bundled.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    // zod's namespace carries every locale's messages (300 kB that each command would parse); decree sets none,
    // so the bundle keeps English, zod's default, and `z.locales` has only `en`.
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}zod${sep}`)
        ? { path: join(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-english" }
        : undefined,
    );
    // commander loads child_process (and with it net and dgram) for commands that are programs of their own,
    // which decree has none of; it is loaded when first used instead, sparing every command its start-up cost.
    pluginBuild.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'module.exports = { get spawn() { return require("node:child_process").spawn; } };',
      loader: "js",
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "zod-english" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};

// Code that runs on a thread of its own: each is an entry of the bundle, written beside main.mjs, and the file
// that starts it names it as a sibling (`new URL("./<name>.mjs", import.meta.url)`), which it is in dist/cli/
// whichever chunk the starter lands in.
const workers = {
  "dns-primary-worker": "src/publish/dns/dns-primary-worker.ts",
  "udp-pool-worker": "src/verify/probes/udp-pool-worker.ts",
};
const workerStarters = new Set([
  join("src", "publish", "dns", "dns-primary-thread.ts"),
  join("src", "verify", "probes", "udp-pool.ts"),
]);

// The program finds its shipped files (data/, web/dist/, package.json) relative to its own module, two folders
// below the package's root (`new URL("../../data/…", import.meta.url)`): true of src/<folder>/x.ts and of the
// bundle in dist/cli/. A file at any other depth would find them in the checkout and miss them once bundled.
const misplaced = sourceFiles(join(root, "src")).filter(
  (file) =>
    relative(root, file).split(sep).length !== 3 &&
    !workerStarters.has(relative(root, file)) &&
    readFileSync(file, "utf8").includes("import.meta.url"),
);
if (misplaced.length > 0) {
  console.error(
    `build: ${misplaced.map((file) => relative(root, file)).join(", ")} locate files from import.meta.url but are ` +
      "not at src/<folder>/<file>.ts; move that lookup to a file at that depth (the bundle lives in dist/cli/).",
  );
  process.exit(1);
}

const result = await build({
  write: false,
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts", ...workers },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "eof",
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
  plugins: [dependencies],
  // The CommonJS packages in the bundle call require() for Node's own modules; an ES module has none.
  banner: {
    js: 'import{createRequire as __decreeRequire}from"node:module";const require=__decreeRequire(import.meta.url);',
  },
});

// Tests run the built program while other tests pack it (`npm pack` builds again): a file is replaced only when
// its bytes change, each by a rename, and files no build made are removed last, so a rebuild of the same sources
// touches nothing a running command could be reading.
const written = new Set();
for (const file of result.outputFiles) {
  written.add(file.path);
  if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
  mkdirSync(dirname(file.path), { recursive: true });
  const next = `${file.path}.${process.pid}.tmp`;
  writeFileSync(next, file.contents);
  renameSync(next, file.path);
}
for (const file of existsSync(join(root, "dist")) ? listFiles(join(root, "dist")) : []) {
  if (!written.has(file)) rmSync(file, { force: true });
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}
