import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { createUser } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import { pollUntil } from "./support/poll.ts";
import { proposeGeneratedTargets } from "./support/proposed-targets.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { ensureWebBuilt } from "./support/web-build.ts";

const screenshots = join(process.cwd(), "test-artifacts", "screenshots");
const password = "correct horse battery staple";
const queued = 100_000;

/**
 * The review desk in a real headless Chromium against a real `decree serve` (SQLite) holding what one bulk
 * import proposes: 100,000 targets, a tenth of them domains, one in a hundred with a finding to review. The
 * authority filters, selects every target matching the filter, approves them with one reason, and the zone
 * grows by that many in one release.
 */
describe("the review desk with 100,000 proposed targets, in a browser", { timeout: 600_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-review-desk-"));
  let service: RunningService;
  let base: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    const config = loadConfig({
      config: "/dev/null",
      data: dataDir,
      http: "127.0.0.1:0",
      dns: "127.0.0.1:0",
      stop: "127.0.0.1:0",
    });
    service = await startService(config, { clockIntervalMs: 1000 });
    base = `http://${service.http.host}:${service.http.port}`;
    const context = { actor: "test", now: new Date() };
    const organisation = await createOrganisation(service.store.db, { name: "ARCOM" }, context);
    await createUser(
      service.store.db,
      { organisationId: organisation.id, email: "authority@example.test", role: "authority", password },
      context,
    );
    // In force from today for a year, as an authority records it: confirmed at once.
    const now = new Date();
    const { order } = await recordOrder(
      service.store,
      sampleOrder({ validity: { from: now.toISOString().slice(0, 10), duration: "P12M" } }),
      { actor: "test", now },
    );
    await proposeGeneratedTargets(service.store, order, queued, { now, reviewEvery: 100, domainEvery: 10 });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    page = await (
      await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } })
    ).newPage();
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function latestRelease() {
    return service.store.db
      .selectFrom("releases")
      .select(["id", "record_count", "added"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  it("filters 100,000 targets, selects all 89,000 matching, approves them in one act, and publishes them in one release", async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel("Email address").fill("authority@example.test");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/desk\//);
    await page.goto(`${base}/desk/authority`);
    await page.getByTestId("review-table").locator("tbody tr[data-id]").first().waitFor();
    await page.getByTestId("review-matching").getByText("100,000 proposed targets match").waitFor();
    // A few dozen rows are drawn, not 100,000.
    const drawn = await page.getByTestId("review-table").locator("tbody tr[data-id]").count();
    assert.ok(drawn > 0 && drawn < 100, `${drawn} rows drawn`);
    // Info findings fold into a count; the finding to review shows by its code.
    const first = page.getByTestId("review-table").locator("tbody tr[data-id]").first();
    assert.match((await first.textContent()) ?? "", /\+1 info/);
    await page.getByLabel("Group by finding").check();
    await page.getByTestId("group-TARGET_ADDRESS_SHARED").getByText("1,000 targets").waitFor();
    await page
      .getByTestId("group-TARGET_ADDRESS_SHARED")
      .getByRole("button", { name: "TARGET_ADDRESS_SHARED" })
      .click();
    await page.getByTestId("review-table").locator("tbody tr[data-id]").first().waitFor();
    const reviewRow = page.getByTestId("review-table").locator("tbody tr[data-id]").first();
    assert.equal(await reviewRow.locator("code").first().textContent(), "TARGET_ADDRESS_SHARED");
    await reviewRow.getByRole("button").first().click();
    const detail = page.getByTestId("target-detail");
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? "", /resolves to an address other names share/);
    await page.screenshot({ path: join(screenshots, "review-desk-grouped.png") });
    await page.getByLabel("Group by finding").uncheck();

    await page.getByLabel("Kind").selectOption("fqdn");
    await page.getByTestId("filter-severity-info").getByRole("checkbox").check();
    await page
      .locator('[data-testid=review-table][data-ready="kind=fqdn&severity=info"] tbody tr[data-id]')
      .first()
      .waitFor();
    await page.getByTestId("review-matching").getByText("89,000 proposed targets match").waitFor();
    const before = await latestRelease();
    await page.getByRole("button", { name: "Select all 89,000 matching this filter" }).click();
    await page.getByLabel("Reason (on the record)").fill("ARCOM, decision 2026-114: ordered blocked");
    await page.screenshot({ path: join(screenshots, "review-desk-selected.png") });
    // The service runs in this process: while the store writes the decision, the browser's driver waits too.
    const started = performance.now();
    await page.getByRole("button", { name: "Approve the 89,000 selected" }).click({ timeout: 300_000 });
    await page.getByTestId("review-outcome").waitFor({ timeout: 300_000 });
    assert.equal(
      await page.getByTestId("review-outcome").textContent(),
      "89,000 approved: published in the next release.",
    );
    const decided = performance.now() - started;
    await page.getByTestId("review-matching").getByText("0 proposed targets match").waitFor();
    const release = await pollUntil(
      "the release of the 89,000 approved names",
      async () => {
        const latest = await latestRelease();
        return latest && latest.id !== before?.id ? latest : undefined;
      },
      { timeoutMs: 300_000 },
    );
    assert.equal(release.id, (before?.id ?? 0) + 1, "one release, not one per page of targets");
    assert.equal(release.added, 89_000);
    process.stdout.write(
      `# decided and published 89,000 in ${Math.round(performance.now() - started)} ms (decision ${Math.round(decided)} ms)\n`,
    );
    assert.equal(release.record_count, (before?.record_count ?? 0) + 89_000);
    const active = await service.store.db
      .selectFrom("targets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("state", "=", "active")
      .executeTakeFirstOrThrow();
    assert.equal(Number(active.n), 89_000);
    await page.getByLabel("Kind").selectOption("");
    await page.getByTestId("filter-severity-info").getByRole("checkbox").uncheck();
    await page.getByTestId("review-matching").getByText("11,000 proposed targets match").waitFor();
    await page.screenshot({ path: join(screenshots, "review-desk-after.png") });
  });
});
