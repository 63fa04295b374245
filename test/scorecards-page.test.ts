import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { loadConfig } from "../src/config/load-config.ts";
import { type RunningService, startService } from "../src/main.ts";
import { openStore } from "../src/store/open-store.ts";
import { scorecardFixture } from "./support/scorecard-fixture.ts";
import { ensureWebBuilt } from "./support/web-build.ts";

const screenshots = join(process.cwd(), "test-artifacts", "screenshots");

describe("the public scorecards page in a browser", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-scorecards-page-"));
  let service: RunningService;
  let base: string;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    const config = loadConfig(
      { config: "/dev/null", data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" },
      {},
    );
    // The store is filled before the service starts: its scheduler then finds the release already made and a
    // sweep just run, and probes nothing that would replace the fixture's measurements.
    const store = await openStore({ dataDir });
    try {
      await scorecardFixture(store, { sweptAt: new Date().toISOString() });
    } finally {
      await store.close();
    }
    service = await startService(config, { clockIntervalMs: 1000 });
    base = `http://${service.http.host}:${service.http.port}`;
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows in French a measured operator's figures and 'non mesuré', never 0, for an unmeasured one", async () => {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/portal/scorecards`);
    await page.getByRole("heading", { name: "Bilans des opérateurs" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "fr");
    const unmeasured = page.getByTestId("scorecard-Unmeasured");
    await unmeasured.waitFor();
    assert.equal(await unmeasured.locator('[data-figure="shareEnforced"]').textContent(), "non mesuré");
    assert.equal(await unmeasured.locator('[data-figure="errorRate"]').textContent(), "non mesuré");
    assert.doesNotMatch((await unmeasured.textContent()) ?? "", /\b0 %/);
    const measured = page.getByTestId("scorecard-Measured");
    assert.equal(await measured.locator('[data-figure="shareEnforced"]').textContent(), "100 %");
    assert.equal(await measured.locator('[data-figure="errorRate"]').textContent(), "25 %");
    // The charts draw measured operators only (how they draw is the chart component's), and say who is left out.
    await page.getByTestId("chart-scorecard-share-enforced").waitFor();
    await page.getByText(/n’apparaissent pas dans les graphiques : Unmeasured/).waitFor();
    await page.getByTestId("chart-scorecard-history-Measured").waitFor();
    await page.screenshot({ path: join(screenshots, "scorecards-fr.png"), fullPage: true });
    await context.close();
  });
});
