/**
 * bench/web: the public portal's figures. (1) The JavaScript a first load of the search page transfers, gzipped
 * (each script the browser fetched for `/?q=NAME`, as a gzip-serving proxy would send it), against the 200 KB
 * target, and the bytes decree itself sends for those scripts (its brotli and gzip copies written at build, and
 * the file as it is), each asked over HTTP with that one coding in Accept-Encoding, with the coding Chromium got;
 * (2) a search answered on a registry of N entries (default 1,000,000): the public search API
 * (`GET /public/entries?q=`) timed from a client, the page (form submitted in headless Chromium until the verdict
 * is drawn), and side by side the stop page's lookup of a host (`findBlockingEntries`, the peer inside decree
 * that answers the same question for blocked names), on the same store.
 * Prints one JSON line. Usage: node --import tsx bench/web.ts [--entries 1000000] [--searches 200]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildApp } from "../src/http/build-app.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { findBlockingEntries } from "../src/registry/find-blocking-entries.ts";
import { openStore } from "../src/store/open-store.ts";
import { ensureWebBuilt } from "../test/support/web-build.ts";
import { buildRegistry, generateRequests } from "./support/registry.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    searches: { type: "string", default: "200" },
  },
});
const entries = Number(values.entries);
const searches = Number(values.searches);

/** Names people would type: a blocked domain's subdomain, an exact blocked name, and names never blocked. */
function searchNames(): string[] {
  const requests = generateRequests(entries);
  const names: string[] = [];
  for (let i = 0; names.length < searches; i++) {
    const request = requests[Math.floor((i * 7919) % entries)]!;
    const kind = i % 3;
    if (kind === 0) names.push(request.kind === "domain" ? `www.${request.input}` : request.input);
    else if (kind === 1) names.push(request.input);
    else names.push(`never-blocked-${i}.example.com`);
  }
  return names;
}

/** The bytes on the wire for a GET asking for one coding, and the coding sent (fetch would decompress). */
function wireBytes(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { "accept-encoding": acceptEncoding } }, (incoming) => {
      let bytes = 0;
      incoming.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      incoming.on("end", () =>
        resolve({ bytes, encoding: incoming.headers["content-encoding"] ?? "identity" }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

/**
 * Runs in the page (kept as source text: this file is type-checked without the DOM's types): types the name,
 * submits the form, and resolves with the milliseconds until the verdict for that name is drawn.
 */
const timeSearchInPage = `async (typed) => {
  const input = document.querySelector('input[type="search"]');
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(input, typed);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const started = performance.now();
  const drawn = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="verdict"]')?.textContent?.includes(typed)) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  input.form.requestSubmit();
  await drawn;
  return performance.now() - started;
}`;

ensureWebBuilt();
const dataDir = mkdtempSync(join(tmpdir(), "decree-bench-web-"));
try {
  const setup = await buildRegistry({ dataDir, entries, pending: 0, policy: defaultRpzPolicy });
  const store = await openStore({ dataDir });
  const app = await buildApp({ store });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const names = searchNames();
  try {
    // Warm the store's pages the way a serving instance is warm, then time each search from the client.
    for (const name of names.slice(0, 20))
      await (await fetch(`${base}/public/entries?q=${name}`)).arrayBuffer();
    const api: number[] = [];
    let blocked = 0;
    for (const name of names) {
      const started = performance.now();
      const answer = (await (await fetch(`${base}/public/entries?q=${encodeURIComponent(name)}`)).json()) as {
        blocked?: boolean;
      };
      api.push(performance.now() - started);
      if (answer.blocked) blocked += 1;
    }
    const stopPage: number[] = [];
    for (const name of names) {
      const started = performance.now();
      await findBlockingEntries(store.db, name);
      stopPage.push(performance.now() - started);
    }

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    const page = await browser.newPage();
    const scripts = new Map<string, number>();
    const codingsSentToChromium = new Set<string>();
    page.on("response", async (response) => {
      if (response.request().resourceType() !== "script") return;
      codingsSentToChromium.add((await response.allHeaders())["content-encoding"] ?? "identity");
      const body = await response.body().catch(() => Buffer.alloc(0));
      scripts.set(response.url(), gzipSync(body).length);
    });
    await page.goto(`${base}/?q=${encodeURIComponent(names[0]!)}`, { waitUntil: "networkidle" });
    await page.getByTestId("verdict").waitFor();
    const firstLoadJsGzipBytes = [...scripts.values()].reduce((sum, size) => sum + size, 0);
    const servedBytes = { identity: 0, gzip: 0, br: 0 };
    for (const url of scripts.keys()) {
      for (const coding of ["identity", "gzip", "br"] as const) {
        const sent = await wireBytes(url, coding);
        if (sent.encoding !== coding) throw new Error(`${url} asked in ${coding} came in ${sent.encoding}`);
        servedBytes[coding] += sent.bytes;
      }
    }
    // Timed inside the page (submit to verdict drawn, by a MutationObserver), so that the driver's own round
    // trips are not counted: what a person waits for after pressing Enter.
    const pageSearch: number[] = [];
    for (const name of names.slice(1, 51)) {
      pageSearch.push(Number(await page.evaluate(`(${timeSearchInPage})(${JSON.stringify(name)})`)));
    }
    await browser.close();

    console.log(
      JSON.stringify({
        bench: "web",
        entries: setup.entries,
        firstLoadJsGzipBytes,
        firstLoadScripts: scripts.size,
        firstLoadJsServedBytes: servedBytes,
        firstLoadJsServedBrOverIdentity: Number((servedBytes.br / servedBytes.identity).toFixed(3)),
        firstLoadJsCodingSentToChromium: [...codingsSentToChromium].join(","),
        targetJsGzipBytes: 200_000,
        searches: names.length,
        blockedAnswers: blocked,
        publicEntriesApiMs: { p50: percentile(api, 50), p95: percentile(api, 95), max: percentile(api, 100) },
        pageSearchMs: { p50: percentile(pageSearch, 50), p95: percentile(pageSearch, 95) },
        peerStopPageLookupMs: { p50: percentile(stopPage, 50), p95: percentile(stopPage, 95) },
        targetSearchMs: 100,
        setupSeconds: setup.seconds,
      }),
    );
  } finally {
    await app.close();
    await store.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
