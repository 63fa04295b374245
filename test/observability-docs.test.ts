import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { metricsRegistry } from "../src/observability/metrics.ts";

// The sample dashboard and the alert rules of docs/ are part of the interface: promtool checks and tests the
// rules, and every metric either of them names must be one that GET /metrics exposes.

const run = promisify(execFile);

/** Every series name /metrics can expose: histograms as their _bucket, _sum and _count. */
function exposedNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of metricsRegistry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

function metricNamesIn(expression: string): string[] {
  return [...expression.matchAll(/\b((?:decree|process|nodejs)_[a-z0-9_]+)/g)].map((match) => match[1]!);
}

describe("the observability documents", () => {
  it("has alert rules promtool accepts, and its unit tests of them pass", async () => {
    const checked = await run("promtool", ["check", "rules", "docs/prometheus-alerts.yml"]);
    assert.match(checked.stdout, /SUCCESS: 4 rules found/);
    const tested = await run("promtool", ["test", "rules", "test/prometheus-alerts.rules-test.yml"]);
    assert.match(tested.stdout, /SUCCESS/);
  });

  it("alerts only on metrics decree exposes", () => {
    const rules = parseYaml(readFileSync("docs/prometheus-alerts.yml", "utf8")) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const exposed = exposedNames();
    const alerts = rules.groups.flatMap((group) => group.rules);
    assert.deepEqual(alerts.map((rule) => rule.alert).sort(), [
      "DecreeNotifyFailing",
      "DecreeReleaseBuildsFailing",
      "DecreeSecondaryBehind",
      "DecreeSecondaryNotTransferring",
    ]);
    const unknown = alerts.flatMap((rule) => metricNamesIn(rule.expr)).filter((name) => !exposed.has(name));
    assert.deepEqual(unknown, []);
  });

  it("has a dashboard that parses as JSON and whose every query names metrics decree exposes", () => {
    const dashboard = JSON.parse(readFileSync("docs/grafana-dashboard.json", "utf8")) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition?: string }> };
    };
    const exposed = exposedNames();
    const expressions = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
    ];
    assert.ok(dashboard.panels.length >= 10);
    const named = expressions.flatMap(metricNamesIn);
    assert.deepEqual(
      named.filter((name) => !exposed.has(name)),
      [],
    );
    // Each of decree's own metrics is on the dashboard.
    const shown = new Set(named.map((name) => name.replace(/_bucket$/, "")));
    const own = metricsRegistry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name);
    assert.deepEqual(
      own.filter((name) => name.startsWith("decree_") && !shown.has(name)),
      [],
    );
  });
});
