/**
 * bench/target-submissions: proposing targets over HTTP, the path an applicant or an authority takes:
 * `POST /orders/{id}/targets` against `decree serve` (SQLite) in a process of its own, with autocannon on
 * loopback, at 1, 10 and 100 targets a request. Each figure includes the whole request: TLS-less HTTP, the
 * bearer token's check, the rate limit, validation, the names module, every safeguard check (no resolver is
 * configured, so the DNS snapshot records that it was skipped), the targets, their events and findings, in
 * one committed transaction per request. Prints one JSON line with targets/s per batch size.
 * Usage: node --import tsx bench/target-submissions.ts [--seconds 10] [--connections 32] [--profile DIR]
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { issueToken } from "../src/accounts/tokens.ts";
import { createUser } from "../src/accounts/users.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { openStore } from "../src/store/open-store.ts";
import { sampleOrder } from "../test/support/sample-order.ts";
import { startJsonServe } from "./support/json-serve.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    sizes: { type: "string", default: "1,10,100" },
    profile: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const sizes = values.sizes.split(",").map(Number);
const goal = { targets_per_s: 2000 };
const actor = "bench:target-submissions";
/**
 * The API limits each credential to 600 requests a minute (src/http/rate-limits.ts): submissions are spread
 * over enough authorities, each with its order, that the limit never answers in place of the path measured.
 */
const clients = 512;

const dataDir = mkdtempSync(join(tmpdir(), "decree-submissions-"));
let server: ChildProcess | undefined;
try {
  const setup = await prepare(dataDir);
  const profile = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [];
  const serving = await startJsonServe(dataDir, profile);
  server = serving.child;
  const addresses = serving.addresses;
  const http = `http://127.0.0.1:${addresses.http.port}`;
  let next = 0;
  const runs = [];
  // The first size measured would otherwise pay for the server's warm-up (JIT, statement cache, page cache).
  const plan = [
    { size: 1, duration: 2, warmUp: true },
    ...sizes.map((size) => ({ size, duration: seconds, warmUp: false })),
  ];
  for (const { size, duration, warmUp } of plan) {
    const result = await autocannon({
      connections,
      duration,
      url: http,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            next += 1;
            const client = setup.clients[next % setup.clients.length]!;
            const targets = Array.from({ length: size }, (_, i) => `s${next}-${i}.submitted-bench.com`);
            return {
              ...request,
              path: `/orders/${client.orderId}/targets`,
              headers: { "content-type": "application/json", authorization: `Bearer ${client.token}` },
              body: JSON.stringify({ targets }),
            };
          },
        },
      ],
    });
    if (warmUp) continue;
    const statuses = result.statusCodeStats as unknown as Record<string, { count: number }>;
    const created = statuses["201"]?.count ?? 0;
    const total = Object.values(statuses).reduce((sum, { count }) => sum + count, 0);
    runs.push({
      targets_per_request: size,
      requests_per_s: Math.round(created / seconds),
      targets_per_s: Math.round((created * size) / seconds),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      requests: total,
      unexpected: total - created,
      errors: result.errors + result.timeouts,
    });
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: "target-submissions",
      store: "sqlite",
      path: "POST /orders/{id}/targets",
      includes: "HTTP, token check, rate limit, validation, names, every safeguard check, commit",
      cpus: cpus().length,
      load: readFileSync("/proc/loadavg", "utf8").trim(),
      seconds,
      connections,
      runs,
      goal,
      met: runs.some((run) => run.targets_per_request <= 10 && run.targets_per_s >= goal.targets_per_s),
    })}\n`,
  );
} finally {
  server?.kill("SIGTERM");
  if (server && server.exitCode === null) await new Promise((resolve) => server?.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
}

/** The authorities who submit, each with a token and an order of its own. */
async function prepare(dir: string) {
  const store = await openStore({ dataDir: dir });
  try {
    const now = new Date();
    const from = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const organisation = await createOrganisation(store.db, { name: "Bench authority" }, { actor, now });
    const submitters = [];
    for (let client = 0; client < clients; client += 1) {
      const user = await createUser(
        store.db,
        { organisationId: organisation.id, email: `authority-${client}@bench.example`, role: "authority" },
        { actor, now },
      );
      const { token } = await issueToken(store.db, { userId: user.id, label: "bench" }, { actor, now });
      const { order } = await recordOrder(
        store,
        sampleOrder({ targets: [], validity: { from, duration: "P12M" }, measures: ["dns-block"] }),
        { actor, now },
      );
      submitters.push({ token, orderId: order.id });
    }
    return { clients: submitters };
  } finally {
    await store.close();
  }
}
