import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { buildApp } from "../src/http/build-app.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { addOperator } from "../src/publish/operators.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { ensureWebBuilt } from "./support/web-build.ts";

const screenshots = join(process.cwd(), "test-artifacts", "screenshots");

/**
 * The portal's charts in a real headless Chromium against the real app (SQLite): what they say when there is
 * nothing yet, when an operator was never measured, and when the history is a single day; the figures are
 * always in the table beside the drawing.
 */
describe("the portal's charts in a browser", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-web-charts-"));
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    store = await openStore({ dataDir });
    app = await buildApp({ store, dataDir });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    // Registered with its resolver, never probed: its share enforced is null, which is not 0 %.
    const context = { actor: "test", now: new Date() };
    await addOperator(store.db, { name: "Orange", allow: ["127.0.0.1"] }, context);
    await addResolver(store.db, { operator: "Orange", address: "127.0.0.1:1053" }, context);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function statistics(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/portal/statistics`);
    await page.getByTestId("chart-compliance").waitFor();
    return page;
  }

  /** The chart's table of figures: each row's label, its value as data, and the text a reader sees. */
  async function figures(chart: Locator) {
    return chart.locator(".chart-figures tbody tr").evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector("th")?.textContent ?? "",
        value: row.querySelector("td")?.getAttribute("data-value") ?? "",
        text: row.querySelector("td")?.textContent ?? "",
      })),
    );
  }

  /** Once uPlot has drawn: how many pixels of its canvas are painted, and whether it is shown unscaled. */
  async function drawn(chart: Locator) {
    const canvas = chart.locator("canvas").first();
    await canvas.waitFor();
    // Written as the page's own script: this project's TypeScript knows Node, not the DOM.
    const inPage = new Function(
      "canvas",
      `const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
      return {
        painted,
        scale: canvas.getBoundingClientRect().width / (canvas.width / devicePixelRatio),
        legendFontPx: parseFloat(getComputedStyle(canvas.closest(".uplot").querySelector(".u-legend")).fontSize),
        bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
      };`,
    ) as (canvas: unknown) => { painted: number; scale: number; legendFontPx: number; bodyFontPx: number };
    return canvas.evaluate(inPage);
  }

  it("shows an operator never measured as « non mesuré », never 0 %, in French", async () => {
    const page = await statistics("fr-FR");
    const chart = page.getByTestId("chart-compliance");
    assert.deepEqual(await figures(chart), [{ label: "Orange", value: "", text: "non mesuré" }]);
    assert.doesNotMatch((await chart.textContent()) ?? "", /\b0\s?%/);
    const median = page.getByTestId("chart-time-to-enforce");
    assert.deepEqual(await figures(median), [{ label: "Orange", value: "", text: "non mesuré" }]);
    assert.match((await chart.getByRole("img").getAttribute("aria-label")) ?? "", /dont 0 mesurées/);
    const canvas = await drawn(chart);
    assert.ok(canvas.painted > 0, "the chart is drawn");
    await page.screenshot({ path: join(screenshots, "charts-not-measured.png"), fullPage: true });
    await page.context().close();
  });

  it("says « Pas encore de données » rather than drawing bare axes when there is nothing yet", async () => {
    const page = await statistics("fr-FR");
    for (const id of ["chart-entries-over-time", "chart-entries-by-order", "chart-entries-by-measure"]) {
      const chart = page.getByTestId(id);
      assert.equal(await chart.getByTestId(`${id}-empty`).textContent(), "Pas encore de données");
      assert.equal(await chart.locator("canvas").count(), 0, id);
    }
    await page.context().close();
  });

  it("says the same in English: No data yet, not measured", async () => {
    const page = await statistics("en-GB");
    assert.equal(await page.getByTestId("chart-entries-over-time-empty").textContent(), "No data yet");
    assert.deepEqual(await figures(page.getByTestId("chart-compliance")), [
      { label: "Orange", value: "", text: "not measured" },
    ]);
    await page.context().close();
  });

  it("draws a single day of history readably, at body-text size, with its figures in the table", async () => {
    const names = ["fifostream.tv", "alloshare.com", "allomovies.com"];
    const { targets } = await recordOrder(store, sampleOrder({ targets: names }), {
      actor: "test",
      now: new Date(),
    });
    await decideTargets(store, {
      decision: "approve",
      refs: targets!.added.map((target) => String(target.id)),
      reason: "ordered",
      actor: "test",
      now: new Date(),
    });
    const page = await statistics("fr-FR");
    const overTime = page.getByTestId("chart-entries-over-time");
    await overTime.locator("canvas").first().waitFor();
    assert.deepEqual(await figures(overTime), [{ label: "2026-01-01", value: "3", text: "3" }]);
    const byOrder = await figures(page.getByTestId("chart-entries-by-order"));
    assert.equal(byOrder.length, 1);
    assert.match(byOrder[0]!.label, /^RG 26\/\d{5}$/);
    const canvas = await drawn(overTime);
    assert.ok(canvas.painted > 0, "the day is drawn");
    // The canvas is shown at its own size (not a drawing scaled down), its text at the page's font size.
    assert.ok(Math.abs(canvas.scale - 1) < 0.02, `canvas scaled by ${canvas.scale}`);
    assert.ok(canvas.legendFontPx >= canvas.bodyFontPx, `legend ${canvas.legendFontPx}px`);
    await page.screenshot({ path: join(screenshots, "charts-single-day.png"), fullPage: true });
    await page.context().close();
  });
});
