/**
 * bench/api-load: the HTTP API under load on loopback, with autocannon, against `decree serve` (SQLite) in a
 * process of its own: requests per second and p99 latency for
 * - reading a feed diff (GET /feeds/json?since=S: the operators' poll, 1,000 entries added since S), side by
 *   side with bare node:http serving the same bytes and headers from memory in a process of its own (the peer:
 *   what any Node server pays for the request and the socket), in ABBA order so that drift in the machine's
 *   load falls on both; anonymous, as a resolver's poll comes, it is answered before the router from the
 *   feed in memory (http/feed-fast-path.ts); the figure includes parsing the URL, finding the release and the
 *   feed's bytes, the ETag check and the metrics,
 * - the same read with a canary operator's API token (`Authorization: Bearer`, a token of each of many users, as
 *   the API limits each to 600 requests a minute), beside bare node:http sent the same requests and answering
 *   the same bytes and headers: answered before the router too, the figure includes the token's check in the
 *   store, reading the canary organisations, counting the request against the token's rate limit, and the
 *   release and bytes in memory (no release is staged: the canary gets everyone's),
 * - submitting targets through the checks (POST /orders/{id}/targets as an authority, one new name a request:
 *   the names module's refusals and the order's checks run on each),
 * - the stop page (a blocked name's 451 page).
 * Prints one JSON line, with Piracy Shield's API limit beside it as the peer figure (its published code, not
 * a measurement). Usage: node --import tsx bench/api-load.ts [--seconds 10] [--connections 50]
 *   [--cpu-prof-dir DIR (decree serve writes a V8 CPU profile there when it stops)]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { issueToken } from "../src/accounts/tokens.ts";
import { createUser } from "../src/accounts/users.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { buildRelease } from "../src/publish/build-release.ts";
import { addOperator } from "../src/publish/operators.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { updateOperator } from "../src/publish/update-operator.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { sampleOrder } from "../test/support/sample-order.ts";
import { firstJsonValue } from "./support/first-json-value.ts";
import { startJsonServe } from "./support/json-serve.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    "cpu-prof-dir": { type: "string" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/**
 * Piracy Shield's own limit, from its code as published in 2024 (github.com/fuckpiracyshield/api,
 * interceptors/security/rate_limit.py: `MAX_REQUESTS_PER_SECOND = 1000` for the whole API; another published
 * commit has 100). A documented ceiling, not a measurement: it is what that platform lets any client reach.
 */
const peer = {
  name: "Piracy Shield",
  api_limit_requests_per_s: 1000,
  kind: "documented limit, not measured",
  source: "github.com/fuckpiracyshield/api interceptors/security/rate_limit.py",
};
const goals = { feed_diff_reads_per_s: 5000, target_submissions_per_s: 1000, feed_vs_bare_node_http: 0.8 };

const actor = "bench:api-load";
const entries = 5000;
const added = 1000;
/**
 * Submissions are spread over authorities and orders as a regulator's clients would be: the API limits each
 * credential to 600 requests a minute (src/http/rate-limits.ts), and an order's duplicate check reads the
 * order's live targets, so one order taking every submission measures that order's growth, not the API.
 */
const clients = 256;
/** Users of the canary operator's organisation, each with a token: enough that none reaches its limit. */
const canaryReaders = 400;

const dataDir = mkdtempSync(join(tmpdir(), "decree-api-load-"));
let server: ChildProcess | undefined;
let bare: (ChildProcess & { port: number }) | undefined;
let bareForToken: (ChildProcess & { port: number }) | undefined;
try {
  const setup = await prepare(dataDir);
  const profile = values["cpu-prof-dir"]
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(values["cpu-prof-dir"])}`]
    : [];
  const serving = await startJsonServe(dataDir, profile);
  server = serving.child;
  const addresses = serving.addresses;
  const http = `http://127.0.0.1:${addresses.http.port}`;
  const stop = `http://127.0.0.1:${addresses.stop.port}`;

  const feedPath = `/feeds/json?since=${setup.firstSerial}`;
  const warm = await fetch(`${http}${feedPath}`);
  if (warm.headers.get("decree-feed") !== `diff; from=${setup.firstSerial}`) {
    throw new Error(`the feed diff is not served: ${warm.status} ${warm.headers.get("decree-feed")}`);
  }
  const body = Buffer.from(await warm.arrayBuffer());
  bare = await startBare(dataDir, body, warm.headers);
  const bareUrl = `http://127.0.0.1:${bare.port}${feedPath}`;
  // ABBA, each for half the time: decree, bare, bare, decree.
  const decreePid = server.pid!;
  const barePid = bare.pid!;
  // Both warmed up (JIT, caches) and decree done with its start-up work (the first jobs, the log), so that
  // neither half measures a server still starting.
  await load({ url: `${http}${feedPath}`, duration: 1 });
  await load({ url: bareUrl, duration: 1 });
  await quiet(decreePid);
  const halves = [
    await withCpu(decreePid, () => load({ url: `${http}${feedPath}`, duration: seconds / 2 })),
    await withCpu(barePid, () => load({ url: bareUrl, duration: seconds / 2 })),
    await withCpu(barePid, () => load({ url: bareUrl, duration: seconds / 2 })),
    await withCpu(decreePid, () => load({ url: `${http}${feedPath}`, duration: seconds / 2 })),
  ];
  const feed = combine(halves[0]!, halves[3]!);
  const bareFeed = combine(halves[1]!, halves[2]!);

  let reader = 0;
  const byToken = (url: string): autocannon.Options => ({
    url,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          reader += 1;
          const token = setup.canaryTokens[reader % setup.canaryTokens.length]!;
          return { ...request, headers: { authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  const tokenWarm = await fetch(`${http}${feedPath}`, {
    headers: { authorization: `Bearer ${setup.canaryTokens[0]}` },
  });
  const tokenBody = Buffer.from(await tokenWarm.arrayBuffer());
  if (!tokenBody.equals(body) || tokenWarm.headers.get("etag") !== warm.headers.get("etag")) {
    throw new Error(`a canary's token is not answered the same feed: ${tokenWarm.status}`);
  }
  // A token's answer says its rate limit too (rate-limits.ts): the peer sends those headers as well.
  bareForToken = await startBare(dataDir, tokenBody, tokenWarm.headers, "token");
  const bareTokenUrl = `http://127.0.0.1:${bareForToken.port}${feedPath}`;
  const bareTokenPid = bareForToken.pid!;
  await load({ ...byToken(`${http}${feedPath}`), duration: 1 });
  await load({ ...byToken(bareTokenUrl), duration: 1 });
  await quiet(decreePid);
  const tokenHalves = [
    await withCpu(decreePid, () => load({ ...byToken(`${http}${feedPath}`), duration: seconds / 2 })),
    await withCpu(bareTokenPid, () => load({ ...byToken(bareTokenUrl), duration: seconds / 2 })),
    await withCpu(bareTokenPid, () => load({ ...byToken(bareTokenUrl), duration: seconds / 2 })),
    await withCpu(decreePid, () => load({ ...byToken(`${http}${feedPath}`), duration: seconds / 2 })),
  ];
  const tokenFeed = combine(tokenHalves[0]!, tokenHalves[3]!);
  const tokenBare = combine(tokenHalves[1]!, tokenHalves[2]!);
  const loadAfterFeeds = readFileSync("/proc/loadavg", "utf8").trim();

  const stopPage = await load({ url: `${stop}/`, headers: { host: "www.bench-00001.fr" } }, 451);

  let next = 0;
  const submissions = await load(
    {
      url: http,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            next += 1;
            const client = setup.clients[next % setup.clients.length]!;
            return {
              ...request,
              path: `/orders/${client.orderId}/targets`,
              headers: {
                "content-type": "application/json",
                authorization: `Bearer ${client.token}`,
              },
              body: JSON.stringify({ targets: [`s${next}.submitted-bench.com`] }),
            };
          },
        },
      ],
    },
    201,
  );

  process.stdout.write(
    `${JSON.stringify({
      bench: "api-load",
      store: "sqlite",
      cpus: cpus().length,
      seconds,
      connections,
      feed_diff_read: { ...feed, path: "/feeds/json?since=S", diff_entries: added, bytes: body.length },
      bare_node_http: {
        ...bareFeed,
        what: "node:http in its own process, the same body and headers from memory, nothing else per request",
      },
      feed_vs_bare_node_http: Number((feed.requests_per_s / bareFeed.requests_per_s).toFixed(2)),
      cpu_per_request_bare_vs_feed: Number(
        (bareFeed.cpu_us_per_request / feed.cpu_us_per_request).toFixed(2),
      ),
      feed_diff_read_includes: "anonymous poll: URL, release and bytes in memory, ETag check, metrics",
      feed_diff_read_canary_token: {
        ...tokenFeed,
        tokens: setup.canaryTokens.length,
        includes:
          "token checked in the store, canary organisations read, rate limit counted, release and bytes in memory, ETag check, metrics",
      },
      bare_node_http_same_requests: tokenBare,
      canary_token_feed_vs_bare_node_http: Number(
        (tokenFeed.requests_per_s / tokenBare.requests_per_s).toFixed(2),
      ),
      loadavg_after_feeds: loadAfterFeeds,
      target_submission: { ...submissions, path: "/orders/{id}/targets", targets_per_request: 1 },
      stop_page: { ...stopPage, status: 451 },
      goals,
      met: {
        feed_diff_reads: feed.requests_per_s >= goals.feed_diff_reads_per_s,
        feed_vs_bare_node_http: feed.requests_per_s >= goals.feed_vs_bare_node_http * bareFeed.requests_per_s,
        canary_token_feed_vs_bare_node_http:
          tokenFeed.requests_per_s >= goals.feed_vs_bare_node_http * tokenBare.requests_per_s,
        target_submissions: submissions.requests_per_s >= goals.target_submissions_per_s,
      },
      peer,
    })}\n`,
  );
} finally {
  bare?.kill("SIGTERM");
  bareForToken?.kill("SIGTERM");
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await new Promise((resolve) => server?.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
}

interface Measured {
  requests_per_s: number;
  p99_ms: number;
  p50_ms: number;
  requests: number;
  /** Answers other than the expected status, and connection errors or timeouts. */
  unexpected: number;
  errors: number;
}

/** One autocannon run; every answer must have `expected` status for the figure to count. */
async function load(options: autocannon.Options, expected = 200): Promise<Measured> {
  const duration = Number(options.duration ?? seconds);
  const result = await autocannon({ connections, duration: seconds, ...options });
  const statuses = result.statusCodeStats as unknown as Record<string, { count: number }>;
  const good = statuses[String(expected)]?.count ?? 0;
  const total = Object.values(statuses).reduce((sum, { count }) => sum + count, 0);
  return {
    requests_per_s: Math.round(good / duration),
    p99_ms: result.latency.p99,
    p50_ms: result.latency.p50,
    requests: total,
    unexpected: total - good,
    errors: result.errors + result.timeouts,
  };
}

/**
 * The registry before the run: 5,000 active entries published as release S, 1,000 more as the next release
 * (the feed diff), and the authorities who submit, each with a token and an order of its own.
 */
async function prepare(dir: string) {
  const store = await openStore({ dataDir: dir });
  try {
    const now = new Date();
    const from = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const order = (targets: string[], extra: Record<string, unknown> = {}) =>
      recordOrder(store, sampleOrder({ targets, validity: { from, duration: "P12M" }, ...extra }), {
        actor,
        now,
      });
    await approveAll(store, await order(names(0, entries)), now);
    const first = await buildRelease(store.db, store.dialect, defaultRpzPolicy, now);
    await approveAll(store, await order(names(entries, added)), now);
    await buildRelease(store.db, store.dialect, defaultRpzPolicy, now);
    const organisation = await createOrganisation(store.db, { name: "Bench authority" }, { actor, now });
    const submitters = [];
    for (let client = 0; client < clients; client += 1) {
      const user = await createUser(
        store.db,
        { organisationId: organisation.id, email: `authority-${client}@bench.example`, role: "authority" },
        { actor, now },
      );
      const { token } = await issueToken(store.db, { userId: user.id, label: "bench" }, { actor, now });
      const recorded = await order([], { measures: ["dns-block"] });
      submitters.push({ token, orderId: recorded.order.id });
    }
    // A canary operator and its organisation (which bears its name, publish/canary-organisations.ts).
    await addOperator(store.db, { name: "Bench canary ISP", tsig: false }, { actor, now });
    await updateOperator(store.db, "Bench canary ISP", { canary: true }, { actor, now });
    const isp = await createOrganisation(store.db, { name: "Bench canary ISP" }, { actor, now });
    const canaryTokens = [];
    for (let index = 0; index < canaryReaders; index += 1) {
      const user = await createUser(
        store.db,
        { organisationId: isp.id, email: `resolver-${index}@isp.bench.example`, role: "operator" },
        { actor, now },
      );
      canaryTokens.push(
        (await issueToken(store.db, { userId: user.id, label: "bench" }, { actor, now })).token,
      );
    }
    return { firstSerial: first!.serial, clients: submitters, canaryTokens };
  } finally {
    await store.close();
  }
}

/** Domains shaped like a blocklist: bench-00001.fr, … (the stop page is asked for a name below one). */
function names(start: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `*.bench-${String(start + index + 1).padStart(5, "0")}.fr`,
  );
}

async function approveAll(store: Store, recorded: Awaited<ReturnType<typeof recordOrder>>, now: Date) {
  const refs = (recorded.targets?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "bench", actor, now });
}

/** Waits (10 s at most) until the process uses under a tenth of a CPU over half a second. */
async function quiet(pid: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const used = await withCpu(pid, async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { requests_per_s: 0, p99_ms: 0, p50_ms: 0, requests: 0, unexpected: 0, errors: 0 };
    });
    if (used.cpu_us < 50_000) return;
  }
}

/** The process's CPU time (user and system, from /proc) while `run` ran, per request answered, in µs. */
async function withCpu(pid: number, run: () => Promise<Measured>): Promise<Measured & { cpu_us: number }> {
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const before = cpuMs();
  const measured = await run();
  return { ...measured, cpu_us: (cpuMs() - before) * 1000 };
}

/** Two halves of one figure: rates averaged, latencies the worse of the two (a p99 cannot be averaged). */
function combine(a: Measured & { cpu_us: number }, b: Measured & { cpu_us: number }) {
  return {
    // The server's CPU time per answer: what the machine's other load does not change much.
    cpu_us_per_request: Math.round((a.cpu_us + b.cpu_us) / Math.max(1, a.requests + b.requests)),
    requests_per_s: Math.round((a.requests_per_s + b.requests_per_s) / 2),
    p99_ms: Math.max(a.p99_ms, b.p99_ms),
    p50_ms: Math.max(a.p50_ms, b.p50_ms),
    requests: a.requests + b.requests,
    unexpected: a.unexpected + b.unexpected,
    errors: a.errors + b.errors,
  };
}

/** bench/support/bare-http-server.ts with decree's answer: its body, and its headers but the per-connection ones. */
async function startBare(
  dir: string,
  body: Buffer,
  headers: Headers,
  name = "bare",
): Promise<ChildProcess & { port: number }> {
  const perConnection = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);
  const kept = Object.fromEntries([...headers].filter(([name]) => !perConnection.has(name)));
  writeFileSync(join(dir, `${name}-body`), body);
  writeFileSync(join(dir, `${name}-headers.json`), JSON.stringify(kept));
  const script = fileURLToPath(new URL("./support/bare-http-server.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, join(dir, `${name}-body`), join(dir, `${name}-headers.json`)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const value = firstJsonValue<{ port: number }>(output);
      if (value) resolve(value.port);
    });
    child.once("exit", (code) => reject(new Error(`the bare server exited with ${code}: ${output}`)));
  });
  return Object.assign(child, { port });
}
