// The stages of docs/ARCHITECTURE.md in the order an order travels through them. A stage may import from itself,
// from an earlier stage, and from the shared modules (names, vocabulary, store, errors, locale, types, accounts,
// observability); never from a later
// stage. Only the wiring layers (http, cli, jobs, main.ts) put stages together; config/ reads the settings for
// them (stages get plain values, and may use only config/host-port.ts, a pure address type), and demo/ loads an
// order the way a user would. web/ is a client of the HTTP API: it and src/ never import each other.
const stages = ["intake", "checks", "review", "registry", "publish", "verify"];
const shared = "(names|vocabulary|store|errors|locale|types|accounts|observability)";
const wiring = "^src/(http|cli|jobs)/|^src/main\\.ts$";
const settingsAndDemo = "^src/config/(?!host-port\\.ts$)|^src/demo/";

const laterStageRules = stages.map((stage, index) => ({
  name: `${stage}-imports-later-stage`,
  comment: `${stage}/ must not import a later stage (${stages.slice(index + 1).join(", ") || "none"}), the wiring layers, the settings or the demo`,
  severity: "error",
  from: { path: `^src/${stage}/` },
  to: {
    path: [
      ...(index + 1 < stages.length ? [`^src/(${stages.slice(index + 1).join("|")})/`] : []),
      wiring,
      settingsAndDemo,
    ],
  },
}));

module.exports = {
  forbidden: [
    ...laterStageRules,
    {
      name: "shared-imports-stage",
      comment:
        "the shared modules are used by every stage and so import none of them, nor the wiring, settings or demo",
      severity: "error",
      from: { path: `^src/${shared}/` },
      to: { path: [`^src/(${stages.join("|")})/`, wiring, "^src/config/", "^src/demo/"] },
    },
    {
      name: "vocabulary-imports-anything",
      comment:
        "vocabulary/ imports nothing, not even another shared module: web/ gets the file as it is (npm run docs)",
      severity: "error",
      from: { path: "^src/vocabulary/" },
      to: { path: ".*" },
    },
    {
      name: "config-imports-wiring",
      comment: "config/ reads the settings for everything, so it imports no wiring layer nor the demo",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: [wiring, "^src/demo/"] },
    },
    {
      name: "demo-imports-wiring",
      comment: "demo/ loads an order through the stages, as a user would, never through a wiring layer",
      severity: "error",
      from: { path: "^src/demo/" },
      to: { path: [wiring, "^src/config/"] },
    },
    {
      name: "src-imports-web",
      comment: "the server serves web/dist/ as files; it never imports the UI's sources",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^web/" },
    },
    {
      name: "web-imports-src",
      comment:
        "web/ talks to the registry over HTTP like any client; it imports only web/ and its npm packages",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^(src|test|bench|scripts|bin|data)/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types"],
    },
    exclude: { path: "\\.test\\.ts$|^web/dist/" },
  },
};
