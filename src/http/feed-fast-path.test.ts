import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../test/support/accounts.ts";
import { approveTargets, publish } from "../../test/support/published-zone.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { buildRelease } from "../publish/build-release.ts";
import { FeedCache } from "../publish/feeds/feed-cache.ts";
import { addOperator } from "../publish/operators.ts";
import { defaultRpzPolicy } from "../publish/rpz-policy.ts";
import { updateOperator } from "../publish/update-operator.ts";
import { buildApp } from "./build-app.ts";
import { feedFastPath } from "./feed-fast-path.ts";

/** What a client sees of an answer, but the headers each connection has of its own. */
async function seen(response: Response) {
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => !["date", "connection", "keep-alive"].includes(name)),
  );
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("hot feed polls answered before the router", () => {
  let opened: StoreUnderTest;
  let dataDir: string;
  let first: number;

  before(async () => {
    opened = await storeEngines[0]!.open();
    dataDir = await mkdtemp(join(tmpdir(), "decree-feed-fast-path-"));
    await approveTargets(opened.store, [{ value: "allostreaming.com", kind: "domain" }]);
    first = await publish(opened.store);
    await approveTargets(opened.store, ["www.fifostream.tv", "fifostream.net"]);
    await publish(opened.store);
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await opened.dispose();
  });

  it("answers from memory only the current release's feed, only to a GET of that exact shape without credentials", async () => {
    const feeds = new FeedCache({
      db: opened.store.db,
      dataDir: join(dataDir, "alone"),
      zone: defaultRpzPolicy.zone,
      versionMaxAgeMs: 60_000,
    });
    const answered: number[] = [];
    const fast = feedFastPath(feeds, (status) => answered.push(status));
    // What the fast path declines gets 599 here, where the app's router would take it.
    const server = createServer((request, response) => {
      if (!fast(request, response)) response.writeHead(599).end();
    });
    const base = await listen(server);
    try {
      const path = `/feeds/json?since=${first}`;
      assert.equal((await fetch(`${base}${path}`)).status, 599, "not rendered yet: the router renders it");
      const rendered = await feeds.open("json", first);
      assert.ok(rendered.bytes, "small feeds are kept in memory");
      const hot = await seen(await fetch(`${base}${path}`));
      assert.equal(hot.status, 200);
      assert.deepEqual(hot.body, rendered.bytes);
      assert.equal(hot.headers["decree-serial"], String(rendered.feed.serial));
      assert.equal(hot.headers["decree-feed"], `diff; from=${first}`);
      assert.equal(hot.headers["x-content-type-options"], "nosniff");
      assert.equal(hot.headers["content-type"], rendered.feed.contentType);
      assert.match(hot.headers["decree-signature"] ?? "", /^ed25519 \S+ \S+$/);
      const etag = hot.headers.etag ?? "";
      assert.equal(
        (await fetch(`${base}${path}`, { headers: { "if-none-match": `W/${etag}` } })).status,
        304,
      );
      assert.deepEqual(answered, [200, 304]);

      const declined = [
        fetch(`${base}${path}`, { headers: { authorization: "Bearer dct_whoever" } }),
        fetch(`${base}${path}`, { headers: { cookie: "decree_session=x" } }),
        fetch(`${base}${path}&x=1`),
        fetch(`${base}/feeds/json.sig`),
        fetch(`${base}/feeds/JSON?since=${first}`),
        fetch(`${base}/feeds/json?since=99999999999`),
        fetch(`${base}${path}`, { method: "POST" }),
        fetch(`${base}${path}`, { method: "HEAD" }),
      ];
      for (const response of await Promise.all(declined)) assert.equal(response.status, 599);

      // A release: told of it, the cache answers nothing from memory until the new release's feed is there.
      await approveTargets(opened.store, ["third.fifostream.org"]);
      await publish(opened.store);
      feeds.released();
      assert.equal((await fetch(`${base}${path}`)).status, 599);
      await feeds.open("json", first);
      const next = await seen(await fetch(`${base}${path}`));
      assert.equal(next.status, 200);
      assert.equal(Number(next.headers["decree-serial"]), Number(hot.headers["decree-serial"]) + 1);
    } finally {
      server.close();
    }
  });

  it("gives over HTTP the same answer the feed route gives, and leaves credentials to the app", async () => {
    const releases = Object.assign(new EventEmitter<{ release: [] }>(), { everyRelease: true });
    const app: FastifyInstance = await buildApp({
      store: opened.store,
      dataDir: join(dataDir, "app"),
      releases,
    });
    try {
      await app.listen({ host: "127.0.0.1", port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const path = `/feeds/json?since=${first}`;
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await seen(await fetch(`${base}${path}`)));
      for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
      assert.equal(answers[0]!.status, 200);
      const refused = await fetch(`${base}${path}`, { headers: { authorization: "Bearer dct_not-a-token" } });
      assert.equal(refused.status, 401, "a credential is checked, hot feed or not");
      assert.equal(((await refused.json()) as { code: string }).code, "AUTH_TOKEN_INVALID");

      await approveTargets(opened.store, ["fourth.fifostream.org"]);
      const serial = await publish(opened.store);
      releases.emit("release");
      const after = await seen(await fetch(`${base}${path}`));
      assert.equal(after.headers["decree-serial"], String(serial), "told of a release, the next poll has it");
    } finally {
      await app.close();
    }
  });

  it("answers a canary organisation's token with the staged release and any other with everyone's, as the app does, each counted against its limit", async () => {
    const context = { actor: "test", now: duringOrder };
    await addOperator(opened.store.db, { name: "Small", tsig: false }, context);
    await addOperator(opened.store.db, { name: "Big", tsig: false }, context);
    await updateOperator(opened.store.db, "Small", { canary: true }, context);
    const canary = await tokenFor(opened.store, "operator", "Small");
    const other = await tokenFor(opened.store, "operator", "Big");
    const everyones = await publish(opened.store);
    await approveTargets(opened.store, ["staged.fifostream.org"]);
    const staged = await buildRelease(opened.store.db, opened.store.dialect, defaultRpzPolicy, duringOrder, {
      staged: true,
    });
    assert.equal(staged?.staged, true);
    const releases = Object.assign(new EventEmitter<{ release: [] }>(), { everyRelease: true });
    const app: FastifyInstance = await buildApp({
      store: opened.store,
      dataDir: join(dataDir, "tokens"),
      releases,
      rateLimits: { perCredential: 4 },
    });
    try {
      await app.listen({ host: "127.0.0.1", port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const poll = async (token?: string) =>
        seen(
          await fetch(`${base}/feeds/json`, token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        );
      // The first of each is rendered by the app's route; the next ones come from memory, the same answer.
      const canaryCold = await poll(canary.token);
      const canaryHot = await poll(canary.token);
      const otherCold = await poll(other.token);
      const otherHot = await poll(other.token);
      assert.equal(canaryCold.headers["decree-serial"], String(staged!.serial));
      assert.equal(otherCold.headers["decree-serial"], String(everyones));
      assert.equal((await poll()).headers["decree-serial"], String(everyones), "the public's is everyone's");
      assert.ok(canaryHot.body.toString().includes("staged.fifostream.org"));
      assert.ok(!otherHot.body.toString().includes("staged.fifostream.org"));
      const but = (answer: Awaited<ReturnType<typeof seen>>) => {
        const { "x-ratelimit-remaining": remaining, ...rest } = answer.headers;
        return { ...answer, headers: rest, remaining };
      };
      for (const [cold, hot] of [
        [canaryCold, canaryHot],
        [otherCold, otherHot],
      ] as const) {
        assert.deepEqual({ ...but(hot), remaining: undefined }, { ...but(cold), remaining: undefined });
        assert.deepEqual(
          [cold.headers["x-ratelimit-remaining"], hot.headers["x-ratelimit-remaining"]],
          ["3", "2"],
        );
      }
      await poll(canary.token);
      await poll(canary.token);
      const limited = await poll(canary.token);
      assert.equal(limited.status, 429, "the fifth in the minute is over the limit of four");
      assert.equal(JSON.parse(limited.body.toString()).code, "RATE_LIMITED");
      const unknown = await poll("dct_not-a-token");
      assert.equal(unknown.status, 401);

      // Made a canary, an operator's token gets the staged release at once, hot feed or not.
      await updateOperator(opened.store.db, "Big", { canary: true }, context);
      assert.equal((await poll(other.token)).headers["decree-serial"], String(staged!.serial));
    } finally {
      await app.close();
    }
  });
});
