import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createOrganisation } from "../src/accounts/organisations.ts";
import type { Role } from "../src/accounts/roles.ts";
import { createUser } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import { addOperator, listOperators } from "../src/publish/operators.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { dig } from "./support/dig.ts";
import { matchCalendar } from "./support/match-calendar.ts";
import { pollUntil } from "./support/poll.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { ensureWebBuilt } from "./support/web-build.ts";

const screenshots = join(process.cwd(), "test-artifacts", "screenshots");
const password = "correct horse battery staple";
const demoNames = [
  "dpstream.tv",
  "fifostream.tv",
  "fifostream.com",
  "fifostream.net",
  "fifostream.org",
  "fifostreaming.com",
  "fifostreaming.net",
  "fifostreaming.org",
  "fifostreaming.tv",
  "allostreaming.com",
  "alloshowtv.com",
  "allomovies.com",
  "alloshare.com",
  "allomegavideo.com",
  "alloseven.com",
  "allourls.com",
];
/** Below google.com, a protected name: the Piracy Shield incident of October 2024. */
const protectedName = "drive.usercontent.google.com";
/** One site under two entries of the order: an appeal against the first must be able to reach the second. */
const siteNames = ["allostreaming.net", "www.allostreaming.net"];

/**
 * The web UI in a real headless Chromium against a real `decree serve` (SQLite, its clock and releases): each
 * role signs in through the login page and works in its desk, as people would. Every page is photographed
 * into test-artifacts/screenshots/.
 */
describe("the web UI in a browser, from an applicant's order to an appeal", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-web-ui-"));
  let service: RunningService;
  let base: string;
  let browser: Browser;
  const contexts = new Map<string, BrowserContext>();
  let address = 10;
  let rpzZone = "";
  /** An order another organisation submitted: the applicant must not be offered it. */
  let othersOrderId = 0;

  before(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    // Each browser context comes from its own address (X-Forwarded-For, trusted here), as people on their own
    // machines do, so that five sign-ins a minute per address is no limit for the test.
    const config = loadConfig(
      { config: "/dev/null", data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" },
      { DECREE_TRUST_PROXY: "true" },
    );
    rpzZone = config.rpzZone;
    service = await startService(config, { clockIntervalMs: 50 });
    base = `http://${service.http.host}:${service.http.port}`;
    for (const [role, organisation] of [
      ["applicant", "APC"],
      ["authority", "ARCOM"],
      ["admin", "ARCOM"],
      ["operator", "Orange"],
    ] as const) {
      await userOf(role, organisation, `${role}@example.test`);
    }
    await userOf("authority", "ARCOM", "second-authority@example.test");
    await userOf("applicant", "SACEM", "other-applicant@example.test");
    const sacem = await service.store.db
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", "SACEM")
      .executeTakeFirstOrThrow();
    const { order: others } = await recordOrder(service.store, sampleOrder({ caseNumber: "RG 25/99999" }), {
      actor: "test",
      now: new Date(),
      ownerOrganisationId: Number(sacem.id),
    });
    othersOrderId = others.id;
    // Orange's resolver, registered as `decree operators add Orange --allow 127.0.0.1` would.
    await addOperator(
      service.store.db,
      { name: "Orange", allow: ["127.0.0.1"] },
      { actor: "test", now: new Date() },
    );
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function userOf(role: Role, organisationName: string, email: string) {
    const context = { actor: "test", now: new Date() };
    const existing = await service.store.db
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", organisationName)
      .executeTakeFirst();
    const organisationId = existing
      ? Number(existing.id)
      : (await createOrganisation(service.store.db, { name: organisationName }, context)).id;
    await createUser(service.store.db, { organisationId, email, role, password }, context);
  }

  /** A browser of its own for each person (cookies apart), in French for the public, in English for the others. */
  async function pageFor(who: string, locale = "en-GB"): Promise<Page> {
    let context = contexts.get(who);
    if (!context) {
      address += 1;
      context = await browser.newContext({
        locale,
        viewport: who === "public" ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        extraHTTPHeaders: { "x-forwarded-for": `10.0.0.${address}` },
      });
      contexts.set(who, context);
    }
    return context.pages()[0] ?? (await context.newPage());
  }

  async function signIn(who: string, email: string): Promise<Page> {
    const page = await pageFor(who);
    await page.goto(`${base}/login`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/desk\//);
    return page;
  }

  /** Photographs the page, after checking that every control on it has a label a screen reader can say. */
  async function shoot(page: Page, name: string) {
    const unlabelled = await page
      .locator("input:not([type=hidden]), select, textarea")
      .evaluateAll((controls) =>
        controls
          .filter((control) => {
            const labels = (control as unknown as { labels: ArrayLike<unknown> | null }).labels;
            return (labels?.length ?? 0) === 0 && !control.getAttribute("aria-label");
          })
          .map((control) => control.outerHTML),
      );
    assert.deepEqual(unlabelled, [], `${name}: controls without a label`);
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  }

  async function publicSearch(name: string) {
    const response = await fetch(`${base}/public/entries?q=${encodeURIComponent(name)}`);
    return (await response.json()) as { blocked: boolean; entries: { state: string; targetId: number }[] };
  }

  /** The order's entries in the portal's "by order" chart, from its table of figures (0 when it has none yet). */
  async function entriesChartValue(page: Page): Promise<number> {
    await page.goto(`${base}/portal/statistics`);
    const chart = page.getByTestId("chart-entries-by-order");
    await chart.waitFor();
    const values = await chart
      .locator(".chart-figures td")
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-value")));
    return values.reduce((sum, value) => sum + Number(value), 0);
  }

  let chartBefore = 0;

  it("shows the public portal in French, a name not blocked yet, and empty charts", async () => {
    const page = await pageFor("public", "fr-FR");
    await page.goto(`${base}/?q=allostreaming.com`);
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor();
    assert.equal(await verdict.textContent(), "allostreaming.com n’est pas bloqué");
    assert.equal(await page.locator("html").getAttribute("lang"), "fr");
    await shoot(page, "01-portal-search-not-blocked");
    // With the keyboard alone: type a name, press Enter; the search lands in the address, ready to be linked.
    await page.getByLabel("Un nom, une URL ou une adresse").fill("https://fifostream.tv/film");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/?q=${encodeURIComponent("https://fifostream.tv/film")}`);
    await page.getByText("https://fifostream.tv/film n’est pas bloqué").waitFor();
    chartBefore = await entriesChartValue(page);
    assert.equal(chartBefore, 0);
    // Nothing yet: said in words, not drawn as bare axes.
    assert.equal(
      await page.getByTestId("chart-entries-by-order-empty").textContent(),
      "Pas encore de données",
    );
    await shoot(page, "02-portal-statistics-before");
  });

  let orderId = 0;

  it("lets an applicant submit the 2013 Paris order in words, without the demo's shortcut outside the demo", async () => {
    const page = await signIn("applicant", "applicant@example.test");
    assert.match(page.url(), /\/desk\/applicant$/);
    await page.waitForLoadState("networkidle");
    // This server does not run the demo (GET /health says so): no button files the demo's court order.
    assert.equal(await page.getByRole("button", { name: /\(demo\)/ }).count(), 0);
    await page.getByLabel("Court or authority").fill("Tribunal de grande instance de Paris");
    await page.getByLabel("Case", { exact: true }).fill("RG 11/60013");
    await page.getByLabel("Decision date").fill("2013-11-28");
    await page.getByLabel("Applicants, one per line").fill("APC (Association des producteurs de cinéma)");
    await page.getByLabel("Name of addressee 1").fill("Orange");
    await page.getByRole("button", { name: "Add an addressee" }).click();
    await page.getByLabel("Name of addressee 2").fill("Google");
    await page.getByLabel("Role of addressee 2").selectOption({ label: "search engine" });
    await page.getByLabel("de-listing").check();
    // Durations as a number and a unit, never ISO 8601: 15 days to apply, in force for 12 months.
    assert.equal(await page.getByLabel("Time to apply: how many").inputValue(), "15");
    assert.equal(await page.getByLabel("Time to apply: unit").inputValue(), "day");
    await page.getByLabel("In force for: how many").fill("12");
    await page.getByLabel("In force for: unit").selectOption({ label: "months" });
    const documentFile = join(dataDir, "jugement.pdf");
    writeFileSync(documentFile, "%PDF-1.4 TGI Paris, 28 novembre 2013, RG 11/60013\n");
    await page.getByLabel(/The decision's document/).setInputFiles(documentFile);
    // SHA-256 of the bytes above, computed by WebCrypto in the page.
    await page.getByTestId("document-hash").waitFor();
    assert.match((await page.getByTestId("document-hash").textContent()) ?? "", /SHA-256 [0-9a-f]{64}/);
    await shoot(page, "03-applicant-order-form");
    // From the keyboard: after the full-page photograph, a pointer click here was seen to release on another
    // element (the page moved under it), which is no submission.
    await page.getByRole("button", { name: "Submit the order" }).press("Enter");
    const submitted = page.getByTestId("order-submitted");
    await submitted.waitFor();
    orderId = Number(/Order (\d+)/.exec((await submitted.textContent()) ?? "")?.[1]);
    assert.ok(orderId > 0);
    const stored = await fetch(`${base}/orders/${orderId}/document`, {
      headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
    });
    assert.equal(stored.status, 200);
  });

  it("lets the applicant paste the order's targets, explains the refused line and stores the others", async () => {
    const page = await pageFor("applicant");
    await page.getByRole("tab", { name: "Add targets" }).click();
    const orderSelect = page.getByLabel("Order", { exact: true });
    await orderSelect.locator(`option[value="${orderId}"]`).waitFor({ state: "attached" });
    // Only its own organisation's orders: not another applicant's, nor those an authority recorded.
    const offered = await orderSelect
      .locator("option")
      .evaluateAll((options) =>
        options
          .map((option) => (option as unknown as { value: string }).value)
          .filter((value) => value !== ""),
      );
    assert.deepEqual(offered, [String(orderId)]);
    assert.ok(!offered.includes(String(othersOrderId)));
    await orderSelect.selectOption(String(orderId));
    await page
      .getByLabel(/Targets, one per line/)
      // `*.name`: the name and every name below it, as the order's domain targets are.
      .fill(
        [
          ...demoNames.map((name) => `*.${name}`),
          protectedName,
          "http://user:secret@allostreaming.com/",
          ...siteNames,
        ].join("\n"),
      );
    await page.getByRole("button", { name: "Submit the targets" }).click();
    const rejected = page.getByTestId("rejected-lines");
    await rejected.waitFor();
    const text = (await rejected.textContent()) ?? "";
    assert.match(text, /Refused lines: 1; nothing was stored/);
    assert.match(text, /18.*TARGET_URL_CREDENTIALS/);
    await shoot(page, "04-applicant-refused-line");
    await page.getByRole("button", { name: "Submit the other lines only" }).click();
    await page.getByTestId("targets-added").waitFor();
    assert.equal(await page.getByTestId("targets-added").textContent(), "19 targets submitted for review.");
  });

  it("shows the authority the protected name's finding and refuses to let it approve that name alone", async () => {
    const page = await signIn("authority", "authority@example.test");
    await page.getByRole("tab", { name: "Orders" }).click();
    await page.getByTestId("order-RG 11/60013").getByRole("button", { name: "Confirm" }).click();
    await page
      .getByTestId("order-RG 11/60013")
      .getByRole("button", { name: "Confirm" })
      .waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "Review queue" }).click();
    await page
      .getByLabel("Reason (on the record)")
      .fill("TGI Paris, 28 Nov 2013, RG 11/60013: ordered blocked");
    const item = page.getByTestId(`queue-${protectedName}`);
    await item.waitFor();
    assert.match((await item.locator("code").first().textContent()) ?? "", /TARGET_PROTECTED_NAME/);
    await item.getByRole("button", { name: protectedName }).click();
    const detail = page.getByTestId("target-detail");
    assert.match((await detail.textContent()) ?? "", /block\s*TARGET_PROTECTED_NAME/);
    await detail.locator("li.finding.severity-block").getByText("Evidence").click();
    await detail.getByRole("button", { name: "Approve" }).click();
    await detail.getByRole("alert").waitFor();
    assert.match((await detail.getByRole("alert").textContent()) ?? "", /TARGET_BLOCKED_BY_FINDING/);
    await shoot(page, "05-authority-protected-name-refused");
    assert.equal((await publicSearch(protectedName)).entries.length, 0);
  });

  it("lets the authority approve the clean targets together", async () => {
    const page = await pageFor("authority");
    // Those without findings to weigh: their worst finding is for information only, or they have none.
    await page.getByLabel("information only").check();
    await page.getByLabel("no finding").check();
    await page.getByRole("button", { name: "Select all 18 matching this filter" }).click();
    await page.getByRole("button", { name: "Approve the 18 selected" }).click();
    await page.getByTestId(`queue-${demoNames[0]}`).waitFor({ state: "detached" });
    await page.getByLabel("information only").uncheck();
    await page.getByLabel("no finding").uncheck();
    // The queue is fetched again after the decision: what remains is counted once it is drawn.
    await page.getByTestId(`queue-${protectedName}`).waitFor();
    assert.equal(await page.getByTestId("review-table").locator("tbody tr[data-id]").count(), 1);
    await shoot(page, "06-authority-queue-after-approval");
    await pollUntil("the approved names to be active", async () =>
      (await publicSearch("allostreaming.com")).blocked ? true : undefined,
    );
  });

  it("needs an admin's override and a second person's confirmation for the protected name", async () => {
    const admin = await signIn("admin", "admin@example.test");
    const targetId = Number(
      /#(\d+)/.exec(
        (await (await pageFor("authority")).getByTestId(`queue-${protectedName}`).textContent()) ?? "",
      )?.[1],
    );
    await admin.getByRole("tab", { name: "Override a finding" }).click();
    await admin.getByLabel("Target number").fill(String(targetId));
    await admin.getByLabel("Reason (on the record)").fill("the order names this host; checked by hand");
    await admin.getByRole("button", { name: "Request the override" }).click();
    const requested = admin.getByRole("status");
    await requested.waitFor();
    const overrideId = Number(/Override (\d+)/.exec((await requested.textContent()) ?? "")?.[1]);
    await shoot(admin, "07-admin-override-requested");
    // The same admin cannot confirm their own override: it takes another person.
    const authority = await pageFor("authority");
    await authority.getByRole("tab", { name: "Overrides" }).click();
    // The desk lists the open override, who asked for it and who may confirm it.
    const open = authority.getByTestId("pending-override");
    await open.waitFor();
    assert.match(
      (await open.textContent()) ?? "",
      new RegExp(`Override ${overrideId} .*asked by admin@example\\.test`),
    );
    await authority.getByLabel("Target number").fill(String(targetId));
    await authority.getByLabel("Override number").fill(String(overrideId));
    await authority.getByRole("button", { name: "Confirm the override" }).click();
    await authority.getByText("Override confirmed.").waitFor();
    await pollUntil("the overridden name to be active", async () =>
      (await publicSearch(protectedName)).blocked ? true : undefined,
    );
    await admin.getByRole("tab", { name: "Accounts" }).click();
    await admin.getByText("second-authority@example.test").waitFor();
    await shoot(admin, "08-admin-accounts");
  });

  it("shows the public the names blocked, under which order, with a chart that moved", async () => {
    const page = await pageFor("public");
    await page.goto(`${base}/?q=${encodeURIComponent("www.allostreaming.com")}`);
    await page.getByTestId("verdict").waitFor();
    assert.equal(await page.getByTestId("verdict").textContent(), "www.allostreaming.com est bloqué");
    const entry = page.getByTestId("entry-allostreaming.com");
    assert.match((await entry.textContent()) ?? "", /Tribunal de grande instance de Paris, RG 11\/60013/);
    await shoot(page, "09-portal-search-blocked");
    const chartAfter = await entriesChartValue(page);
    assert.equal(chartAfter, 19);
    assert.ok(chartAfter > chartBefore);
    await shoot(page, "10-portal-statistics-after");
    await page.goto(`${base}/portal/orders`);
    await page.getByRole("link", { name: "RG 11/60013" }).click();
    await page.getByRole("heading", { name: /RG 11\/60013/ }).waitFor();
    // In French words: the measures, the time to apply, the dates; no code nor ISO 8601 duration.
    const text = async (id: string) =>
      ((await page.getByTestId(id).textContent()) ?? "").replace(/[\u00a0\u202f]/g, " ");
    assert.equal(await text("order-measures"), "blocage DNS, déréférencement");
    assert.equal(await text("order-deadline"), "15 jours");
    assert.match(await text("order-validity"), /^\S.* \d{4} – \S.* \d{4} \(en vigueur\)$/);
    assert.ok(!/P1[25]|dns-block|delist/.test((await page.locator("main").textContent()) ?? ""));
    await shoot(page, "11-portal-order");
  });

  it("lets anyone appeal from the portal, and the authority's suspension takes the name out at once", async () => {
    const page = await pageFor("public");
    await page.goto(`${base}/?q=alloshare.com`);
    await page.getByRole("button", { name: "Contester ce blocage" }).click();
    await page
      .getByLabel("Pourquoi ce blocage est-il erroné ?")
      .fill("Ce domaine appartient désormais à un autre site.");
    await page.getByLabel(/Votre adresse électronique/).fill("exploitant@example.org");
    await page.getByRole("button", { name: "Déposer la contestation" }).click();
    await page.getByTestId("appeal-filed").waitFor();
    await shoot(page, "12-portal-appeal-filed");
    const authority = await pageFor("authority");
    await authority.getByRole("tab", { name: "Appeals" }).click();
    const appeal = authority.getByTestId("appeal-alloshare.com");
    await appeal.waitFor();
    await appeal
      .getByLabel("Reason (on the record)")
      .fill("suspended while the new owner's claim is examined");
    await appeal.getByRole("button", { name: "Suspend the entry" }).click();
    await appeal.getByText("suspended", { exact: true }).waitFor();
    await shoot(authority, "13-authority-appeal-suspended");
    const after = await publicSearch("alloshare.com");
    assert.equal(after.blocked, false);
    assert.equal(after.entries[0]?.state, "suspended");
    await page.goto(`${base}/?q=alloshare.com`);
    await page.getByTestId("verdict").waitFor();
    assert.equal(await page.getByTestId("verdict").textContent(), "alloshare.com n’est pas bloqué");
    assert.match((await page.getByTestId("entry-alloshare.com").textContent()) ?? "", /suspendu/);
    await shoot(page, "14-portal-search-suspended");
  });

  it("lets the authority suspend a whole site on appeal: its two entries leave the served zone in one decision", async () => {
    const served = async () =>
      (await dig(service.dns.port, ["AXFR", rpzZone])).records.map((record) =>
        record.name.replace(/\.$/, "").slice(0, -(rpzZone.length + 1)),
      );
    const before = await served();
    assert.deepEqual(
      siteNames.filter((name) => before.includes(name)),
      siteNames,
      "both entries are served before the appeal",
    );
    const page = await pageFor("public");
    await page.goto(`${base}/?q=allostreaming.net`);
    await page.getByRole("button", { name: "Contester ce blocage" }).click();
    await page
      .getByLabel("Pourquoi ce blocage est-il erroné ?")
      .fill("Ce site n’a plus rien à voir avec l’ancien.");
    await page.getByLabel(/Votre adresse électronique/).fill("nouveau-titulaire@example.org");
    await page.getByRole("button", { name: "Déposer la contestation" }).click();
    await page.getByTestId("appeal-filed").waitFor();
    const authority = await pageFor("authority");
    // The appeals are fetched when their tab opens: another tab first, so that the new one is listed.
    await authority.getByRole("tab", { name: "Orders" }).click();
    await authority.getByRole("tab", { name: "Appeals" }).click();
    const appeal = authority.getByTestId("appeal-allostreaming.net");
    await appeal.waitFor();
    assert.match(
      (await appeal.getByTestId("appeal-siblings").textContent()) ?? "",
      /www\.allostreaming\.net/,
    );
    // The whole site is the choice made for the authority; the entry alone is one click away.
    assert.equal(await appeal.getByLabel(/the whole site/).isChecked(), true);
    assert.equal(await appeal.getByLabel("allostreaming.net only").isChecked(), false);
    await appeal
      .getByLabel("Reason (on the record)")
      .fill("the domain changed hands: suspended while examined");
    await shoot(authority, "13b-authority-appeal-site");
    await appeal.getByRole("button", { name: "Suspend the site's 2 entries" }).click();
    await appeal.locator("p").first().getByText("suspended", { exact: true }).waitFor();
    const after = await pollUntil("both entries of the site to leave the served zone", async () => {
      const owners = await served();
      return siteNames.some((name) => owners.includes(name)) ? undefined : owners;
    });
    assert.ok(after.includes("allostreaming.com"), "the order's other sites stay blocked");
    for (const name of siteNames) {
      assert.equal(
        (await publicSearch(name)).entries.find((entry) => entry.state !== "suspended"),
        undefined,
      );
    }
  });

  it("shows the operator the current serial, lets it acknowledge, and gives its resolver's configuration", async () => {
    const page = await signIn("operator", "operator@example.test");
    const serial = page.getByTestId("current-serial");
    await serial.waitFor();
    const number = Number(/Serial (\d+)/.exec((await serial.textContent()) ?? "")?.[1]);
    assert.ok(number >= 2, `serial ${number}`);
    await page.getByRole("button", { name: `We applied serial ${number}` }).click();
    await page.getByText(`Serial ${number} acknowledged.`).waitFor();
    await shoot(page, "15-operator-release");
    await page.getByRole("tab", { name: "Connect" }).click();
    await page
      .getByText(/\/feeds\/rpz/)
      .first()
      .waitFor();
    await shoot(page, "16-operator-connect");
    await page.getByRole("tab", { name: "My compliance" }).click();
    await page.getByText(`Serial ${number},`).waitFor();
    // Never probed: said so, never "0% enforced", in the line and in the chart's figures.
    await page.getByText("Orange: not measured yet, 0 names over-blocked").waitFor();
    const figures = page.getByTestId("chart-own-compliance").locator(".chart-figures td");
    assert.equal(await figures.textContent(), "not measured");
    assert.equal(await figures.getAttribute("data-value"), "");
    await shoot(page, "17-operator-compliance");
  });

  it("lets the admin change an operator's kind of enforcer and re-key it with a grace period for the old key", async () => {
    const admin = await pageFor("admin");
    await admin.goto(`${base}/desk/admin`);
    await admin.getByRole("tab", { name: "Operators" }).click();
    const orange = admin.getByTestId("operator-Orange");
    await orange.getByText("Orange · ISP").waitFor();
    const before = (await listOperators(service.store.db)).find((operator) => operator.name === "Orange")!;
    await orange.getByLabel("Kind of enforcer of Orange").selectOption("public-resolver");
    await orange.getByRole("button", { name: "Save the kind" }).click();
    await admin.getByText("Orange: kind saved").waitFor();
    await orange.getByText("Orange · Public resolver").waitFor();
    await orange.getByLabel("How long Orange's old key keeps working (7d, 12h, 0s)").fill("12h");
    await orange.getByRole("button", { name: "Issue a new key" }).click();
    await admin.getByText("Copy it now: it is never shown again.").waitFor();
    await orange.getByText(`previous key ${before.tsig!.keyName} accepted until`).waitFor();
    await shoot(admin, "17b-admin-operators");
    const after = (await listOperators(service.store.db)).find((operator) => operator.name === "Orange")!;
    assert.equal(after.kind, "public-resolver");
    assert.notEqual(after.tsig?.keyName, before.tsig?.keyName);
    assert.equal(after.previousKey?.keyName, before.tsig?.keyName);
    const grace = Date.parse(after.previousKey!.validUntil) - Date.now();
    assert.ok(grace > 11.9 * 3_600_000 && grace <= 12 * 3_600_000, `grace ${grace} ms`);
    // The same desk in French.
    const french = await pageFor("admin-fr", "fr-FR");
    await french.goto(`${base}/login`);
    await french.getByLabel("Adresse électronique").fill("admin@example.test");
    await french.getByLabel("Mot de passe").fill(password);
    await french.getByRole("button", { name: "Se connecter" }).click();
    await french.waitForURL(/\/desk\//);
    await french.getByRole("tab", { name: "Opérateurs" }).click();
    await french.getByText("Orange · Résolveur public").waitFor();
    await french.getByRole("button", { name: "Émettre une nouvelle clé" }).waitFor();
  });

  it("shows the log's checkpoint and verifies an entry's inclusion proof in the browser", async () => {
    const page = await pageFor("public");
    await page.goto(`${base}/?q=allomovies.com`);
    // The entry links to its place in the log; the page checks the proof with WebCrypto against the checkpoint.
    await page.getByRole("link", { name: "Vérifier cette entrée dans le journal public" }).click();
    await page.getByRole("heading", { name: "Le journal public" }).waitFor();
    await page
      .getByText(/^decree/)
      .first()
      .waitFor();
    await page.getByRole("button", { name: "Vérifier dans mon navigateur" }).click();
    const verdict = page.getByTestId("log-verdict");
    await verdict.waitFor();
    assert.match((await verdict.textContent()) ?? "", /la preuve mène à la racine signée/);
    await shoot(page, "18-portal-log-verified");
    // An index past the tree is refused, not "verified".
    await page.getByLabel("Numéro de l’entrée").fill("100000");
    await page.getByRole("button", { name: "Vérifier dans mon navigateur" }).click();
    await page.getByText(/Le journal n’a que \d+ entrées/).waitFor();
  });

  it("shows the public an order's blocking windows: blocked during these matches, in French", async () => {
    const now = Date.now();
    const kickOff = new Date(Math.ceil((now + 86_400_000) / 3600_000) * 3600_000);
    const { targets } = await recordOrder(
      service.store,
      sampleOrder({
        validity: { from: new Date(now - 86_400_000).toISOString(), duration: "P1M" },
        targets: ["directo.futbol-pirata.tv"],
        calendar: {
          ics: matchCalendar([
            { uid: "m1@liga", summary: "Real Madrid – Barcelona", start: kickOff, minutes: 105 },
          ]),
          marginBefore: "15m",
          marginAfter: "30m",
        },
      }),
      { actor: "test", now: new Date() },
    );
    await decideTargets(service.store, {
      decision: "approve",
      refs: targets!.added.map((target) => String(target.id)),
      reason: "ordered",
      actor: "test",
      now: new Date(),
    });
    const page = await pageFor("public");
    await page.goto(`${base}/?q=directo.futbol-pirata.tv`);
    await page.getByTestId("outside-window").waitFor();
    assert.equal(await page.getByTestId("verdict").getAttribute("class"), "not-blocked");
    await page.getByRole("link", { name: "Quand ?" }).click();
    await page.getByRole("heading", { name: "Périodes de blocage" }).waitFor();
    await page.getByText("Bloqué uniquement pendant ces matchs").waitFor();
    await page.getByRole("cell", { name: "Real Madrid – Barcelona" }).waitFor();
    await page.getByText("15 min avant, 30 min après").waitFor();
    await page.getByText("à venir").waitFor();
    await shoot(page, "19-portal-order-windows");
  });
});
