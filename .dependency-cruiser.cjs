// The stages of docs/ARCHITECTURE.md in the order an order travels through them. A stage may import from itself, from an
// earlier stage, and from the shared modules (names, store, errors, types, accounts); never from a later stage. Only the
// wiring layers (http, cli, jobs, main.ts) put stages together.
const stages = ["intake", "checks", "review", "registry", "publish", "verify"];
const shared = "(names|store|errors|types|accounts)";

const laterStageRules = stages.map((stage, index) => ({
  name: `${stage}-imports-later-stage`,
  comment: `${stage}/ must not import a later stage (${stages.slice(index + 1).join(", ") || "none"}) nor the wiring layers`,
  severity: "error",
  from: { path: `^src/${stage}/` },
  to: { path: `^src/(${[...stages.slice(index + 1), "http", "cli", "jobs"].join("|")})/|^src/main\\.ts$` },
}));

module.exports = {
  forbidden: [
    ...laterStageRules,
    {
      name: "shared-imports-stage",
      comment: "names/, store/ and errors/ are used by every stage and so import none of them",
      severity: "error",
      from: { path: `^src/${shared}/` },
      to: { path: `^src/(${[...stages, "http", "cli", "jobs"].join("|")})/` },
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
    exclude: { path: "\\.test\\.ts$" },
  },
};
