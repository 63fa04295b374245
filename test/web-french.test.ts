import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { createOrganisation } from "../src/accounts/organisations.ts";
import type { Role } from "../src/accounts/roles.ts";
import { createUser } from "../src/accounts/users.ts";
import { recordFindings } from "../src/checks/record-findings.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { demoOrderFile } from "../src/demo/load-demo.ts";
import { parseOrderFile } from "../src/intake/parse-order-file.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import { addOperator } from "../src/publish/operators.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { ensureWebBuilt } from "./support/web-build.ts";

const screenshots = join(process.cwd(), "test-artifacts", "screenshots", "languages");
const password = "correct horse battery staple";
const languages = [
  {
    language: "fr",
    locale: "fr-FR",
    email: "Adresse électronique",
    password: "Mot de passe",
    signIn: "Se connecter",
  },
  { language: "en", locale: "en-GB", email: "Email address", password: "Password", signIn: "Sign in" },
] as const;

/**
 * Words of English that French prose does not use: one of them in the text of a French page is an English
 * message that leaked (a server's refusal, a finding, a label nobody translated). Checked as whole words.
 */
const englishWords = [
  "the",
  "and",
  "with",
  "from",
  "this",
  "that",
  "is",
  "are",
  "not",
  "no",
  "to",
  "of",
  "for",
  "yet",
  "order",
  "orders",
  "target",
  "targets",
  "blocked",
  "wrong",
  "password",
  "refused",
  "approve",
  "reject",
  "appeal",
  "measured",
  "none",
];
const englishPattern = new RegExp(
  `(?<![\\p{L}\\p{N}._@/-])(${englishWords.join("|")})(?![\\p{L}\\p{N}_@/-])`,
  "iu",
);
/** A stable code as the catalogue spells them (TARGET_PUBLIC_SUFFIX): evidence, so only inside <code>. */
const rawCode = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/;

/**
 * What a person reads on the page: its text without the evidence it quotes as such (<code>, <pre>, <kbd>,
 * <samp>), nor what people typed into the registry (names, case numbers, reasons), which is data in any
 * language, not a message.
 */
async function readableText(page: Page): Promise<string[]> {
  // Run in the page, where the DOM is: given as text, since this file is compiled without the DOM's types.
  // The quoted evidence is hidden for the reading (innerText leaves out what is not displayed), then shown again.
  const lines = (await page.evaluate(`(() => {
    const hidden = [...document.body.querySelectorAll("code, pre, kbd, samp, noscript")];
    const before = hidden.map((element) => element.style.display);
    for (const element of hidden) element.style.display = "none";
    const text = document.body.innerText;
    hidden.forEach((element, n) => { element.style.display = before[n]; });
    return text.split("\\n");
  })()`)) as string[];
  return lines.map((line) => line.trim()).filter((line) => line.length > 0);
}

/** The lines of a French page that read as English or show a raw code outside <code>. */
function leaks(lines: string[], typed: readonly string[]): string[] {
  return lines.filter((line) => {
    let rest = line;
    for (const data of typed) rest = rest.replaceAll(data, " ");
    return englishPattern.test(rest) || rawCode.test(rest);
  });
}

/**
 * Every page of the portal and of each desk, tab by tab, in French then in English, in a real Chromium against a
 * real `decree serve` holding the demo order, a second order under review with its findings, and a refusal on
 * the page: in French no line of English and no raw code outside <code>; a photograph of each page in each
 * language in test-artifacts/screenshots/languages/.
 */
describe("every page of the web UI in French and in English", { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-web-french-"));
  let service: RunningService;
  let base: string;
  let browser: Browser;
  /** What people typed into this registry, which the pages show as it was typed. */
  const typed: string[] = [];

  before(async () => {
    ensureWebBuilt();
    mkdirSync(screenshots, { recursive: true });
    const config = loadConfig(
      {
        config: "/dev/null",
        data: dataDir,
        http: "127.0.0.1:0",
        dns: "127.0.0.1:0",
        stop: "127.0.0.1:0",
        demo: true,
      },
      { DECREE_TRUST_PROXY: "true" },
    );
    service = await startService(config, { clockIntervalMs: 50 });
    base = `http://${service.http.host}:${service.http.port}`;
    const now = new Date();
    for (const [role, organisation] of [
      ["applicant", "APC"],
      ["authority", "ARCOM"],
      ["admin", "ARCOM"],
      ["operator", "Orange"],
    ] as const) {
      await userOf(role, organisation, `${role}@example.test`);
    }
    await addOperator(service.store.db, { name: "Orange", allow: ["127.0.0.1"] }, { actor: "test", now });
    // A second order whose targets wait for review, one of them a protected name: the review desk has findings.
    await recordOrder(
      service.store,
      sampleOrder({
        caseNumber: "RG 26/00042",
        targets: ["streamfilou.net", "www.streamfilou.net", "drive.usercontent.google.com"],
      }),
      {
        actor: "test",
        now,
        afterTargets: (trx, recorded, added) => recordFindings(trx, recorded, added.added, { now }),
      },
    );
    // The demo's and the sample's own words, as their authors typed them.
    const demo = await parseOrderFile(demoOrderFile);
    if (demo.summary) typed.push(demo.summary);
    typed.push(
      "demo: the court ordered these domain names blocked (TGI Paris, 28 Nov 2013, RG 11/60013)",
      "Orange",
      "Google",
      "APC",
      "ARCOM",
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
    const organisation = await createOrganisation(
      service.store.db,
      { name: organisationName },
      context,
    ).catch(async () =>
      service.store.db
        .selectFrom("organisations")
        .select("id")
        .where("name", "=", organisationName)
        .executeTakeFirstOrThrow(),
    );
    await createUser(
      service.store.db,
      { organisationId: Number(organisation.id), email, role, password },
      context,
    );
  }

  /** Each page state seen: its name, and the French lines that leaked English (checked once both are shot). */
  const found = new Map<string, string[]>();

  async function look(page: Page, language: string, name: string) {
    await page.waitForLoadState("networkidle");
    // The lazily drawn parts (charts, counts) settle after the network does.
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(screenshots, `${name}.${language}.png`), fullPage: true });
    if (language === "fr") found.set(name, leaks(await readableText(page), typed));
  }

  for (const { language, locale, ...labels } of languages) {
    it(`shows every public page in ${language === "fr" ? "French" : "English"}`, async () => {
      const context = await browser.newContext({
        locale,
        extraHTTPHeaders: { "x-forwarded-for": `10.1.0.${language === "fr" ? 1 : 2}` },
      });
      const page = await context.newPage();
      try {
        for (const [name, path] of [
          ["portal-search-blocked", "/?q=allostreaming.com"],
          ["portal-search-not-blocked", "/?q=example.org"],
          // A refusal from the server, shown on the page: a public suffix is no target.
          ["portal-search-refused", "/?q=github.io"],
          ["portal-orders", "/portal/orders"],
          ["portal-order", "/portal/orders/1"],
          ["portal-statistics", "/portal/statistics"],
          ["portal-scorecards", "/portal/scorecards"],
          ["portal-log", "/portal/log"],
          ["login", "/login"],
        ] as const) {
          await page.goto(`${base}${path}`);
          await look(page, language, name);
        }
        // A failed sign-in: the server's refusal, in the page's language.
        await page.getByLabel(labels.email).fill("nobody@example.test");
        await page.getByLabel(labels.password).fill("not the password");
        await page.getByRole("button", { name: labels.signIn }).click();
        await page.locator("[role=alert], .error").first().waitFor();
        await look(page, language, "login-refused");
      } finally {
        await context.close();
      }
    });

    for (const role of ["applicant", "authority", "operator", "admin"] as const) {
      it(`shows each tab of the ${role}'s desk in ${language === "fr" ? "French" : "English"}`, async () => {
        const context = await browser.newContext({
          locale,
          viewport: { width: 1280, height: 900 },
          extraHTTPHeaders: { "x-forwarded-for": `10.2.${language === "fr" ? 1 : 2}.${role.length}` },
        });
        const page = await context.newPage();
        try {
          await page.goto(`${base}/login`);
          await page.getByLabel(labels.email).fill(`${role}@example.test`);
          await page.getByLabel(labels.password).fill(password);
          await page.getByRole("button", { name: labels.signIn }).click();
          await page.waitForURL(/\/desk\//);
          const tabs = page.getByRole("tab");
          await tabs.first().waitFor();
          const count = await tabs.count();
          assert.ok(count >= 1, `the ${role}'s desk has tabs`);
          for (let n = 0; n < count; n++) {
            await tabs.nth(n).click();
            await look(page, language, `desk-${role}-${n + 1}`);
          }
        } finally {
          await context.close();
        }
      });
    }
  }

  it("finds no English line and no raw code outside <code> on any French page", () => {
    assert.ok(found.size >= 14, `pages seen in French: ${[...found.keys()].join(", ")}`);
    const leaked = [...found].flatMap(([name, lines]) => lines.map((line) => `${name}: ${line}`));
    writeFileSync(join(screenshots, "french-leaks.txt"), `${leaked.join("\n")}\n`);
    assert.deepEqual(leaked, [], "English or raw codes on French pages");
  });
});
