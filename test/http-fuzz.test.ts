import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Role } from "../src/accounts/roles.ts";
import { buildApp } from "../src/http/build-app.ts";
import { type Access, policy } from "../src/review/permissions.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { tokenFor } from "./support/accounts.ts";
import {
  type Counts,
  hostileParams,
  injections,
  nextAddress,
  rowCounts,
  unchanged,
} from "./support/hostile-input.ts";
import { approveTargets, publish } from "./support/published-zone.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";
import { seededRandom } from "./support/seeded-random.ts";

/**
 * A fuzzer driven by /openapi.json: every operation the document lists, GET included, gets requests built from
 * its own parameters and body schema and then broken: bogus and hostile path ids, query values of the wrong
 * kind, bodies mutated field by field, huge and deeply nested JSON, unicode tricks (NUL, lone surrogates, RTL
 * overrides, overlong forms, noncharacters) and path traversal. Every answer must be below 500, every refusal
 * problem+json with a code, and a refused request must leave every table as it was. Seeded and bounded (the
 * count per operation is fixed), so that a failure is replayed by its seed: FUZZ_SEED=… node --test ….
 * The bad-input corpus (test/bad-input.test.ts) sends fixed hostile requests to the writing routes; this one
 * varies them at random over all routes.
 */

const seed = Number(process.env.FUZZ_SEED ?? 20261202);
const perOperation = Number(process.env.FUZZ_PER_OPERATION ?? 24);
const problemJson = /^application\/problem\+json/;

/** Answers that are not problems by design: the Piracy Shield login shim and logging out take any body. */
const acceptsAnyBody = new Set(["POST /api/v1/authentication/login", "POST /auth/logout"]);

type Random = ReturnType<typeof seededRandom>;

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
};

interface Operation {
  method: string;
  path: string;
  access: Access;
  parameters: Array<{ in: string; name: string; schema?: Schema }>;
  body: Schema | undefined;
}

const unicodeTricks = [
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u2066",
  "\u200b\u200d\ufeff",
  "\uffff\ufffe",
  "\u00c0\u00af",
  "a\u0301\u0301\u0301",
  "İı",
  "𝕒𝕓𝕔",
  "\u0085\u2028\u2029",
  "%c0%af",
  "%00",
  "..\\..\\windows\\win.ini",
  "/../../etc/shadow",
  "....//....//etc/passwd",
];

const bogusIds = [
  "0",
  "-0",
  "00",
  "1.5",
  "1e3",
  "0x10",
  "0b1",
  "0o7",
  "+1",
  "9007199254740993",
  "NaN",
  "Infinity",
  " 1",
  "1 ",
  "",
];

function hostileString(random: Random): string {
  const kind = random.int(6);
  if (kind === 0) return random.pick(Object.values(injections));
  if (kind === 1) return random.pick(unicodeTricks);
  if (kind === 2) return random.pick(bogusIds);
  if (kind === 3) return `${random.pick(unicodeTricks)}${random.pick(["allostreaming.com", "x", "1"])}`;
  if (kind === 4) return "x".repeat(random.pick([0, 1, 255, 256, 2049, 70_000]));
  return Array.from({ length: 1 + random.int(12) }, () => String.fromCharCode(random.int(0x10000))).join("");
}

function resolve(schema: Schema | undefined, document: Record<string, unknown>): Schema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.split("/").pop()!;
  return (document.components as { schemas?: Record<string, Schema> } | undefined)?.schemas?.[name];
}

/** A value of the schema's shape, or (at random) of another, or hostile. */
function valueFor(schema: Schema | undefined, random: Random, depth = 0): unknown {
  const roll = random.next();
  if (roll < 0.25) return hostileString(random);
  if (roll < 0.35) return random.pick([null, true, 0, -1, 2 ** 53, 1e308, [], {}, "", [[[]]]]);
  const options = schema?.anyOf ?? schema?.oneOf;
  if (options) return valueFor(random.pick(options), random, depth);
  if (schema?.enum) return random.pick(schema.enum);
  const type = Array.isArray(schema?.type) ? random.pick(schema.type) : schema?.type;
  if (type === "object" || schema?.properties) {
    if (depth > 3) return {};
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries(schema?.properties ?? {})) {
      if (random.next() < 0.8) out[key] = valueFor(sub, random, depth + 1);
    }
    if (random.next() < 0.2) out[hostileString(random).slice(0, 40)] = hostileString(random);
    return out;
  }
  if (type === "array") {
    return Array.from({ length: random.int(4) }, () => valueFor(schema?.items, random, depth + 1));
  }
  if (type === "integer" || type === "number") return random.pick([0, 1, 2, 42, 999_999, -5, 0.5]);
  if (type === "boolean") return random.next() < 0.5;
  return random.pick([
    "allostreaming.com",
    "a reason",
    "someone@example.com",
    "https://hooks.example.fr/x",
    "1",
  ]);
}

/** Bodies no schema should take: far too large, far too deep, not JSON, JSON with hostile structure. */
function hostileBody(random: Random): { payload: string | Buffer; type: string } {
  const kind = random.int(8);
  if (kind === 0)
    return { payload: `${"[".repeat(200_000)}${"]".repeat(200_000)}`, type: "application/json" };
  if (kind === 1)
    return { payload: `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`, type: "application/json" };
  if (kind === 2) {
    return {
      payload: JSON.stringify(Array.from({ length: 60_000 }, (_, i) => ({ i }))),
      type: "application/json",
    };
  }
  if (kind === 3)
    return {
      payload: Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]),
      type: "application/json",
    };
  if (kind === 4) return { payload: '{"a":1,"a":2,"__proto__":{"x":1}}', type: "application/json" };
  if (kind === 5) return { payload: "\ufeff{}", type: "application/json" };
  if (kind === 6) return { payload: '{"reason": "\\ud800", "target": "\\u0000"}', type: "application/json" };
  return {
    payload: hostileString(random),
    type: random.pick(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
  };
}

function operationsOf(
  document: Record<string, unknown>,
  accessOf: (method: string, path: string) => Access | undefined,
) {
  const operations: Operation[] = [];
  const paths = document.paths as Record<
    string,
    Record<
      string,
      {
        parameters?: Operation["parameters"];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      const access = accessOf(upper, path);
      if (access === undefined) continue;
      operations.push({
        method: upper,
        path,
        access,
        parameters: operation.parameters ?? [],
        body: resolve(operation.requestBody?.content?.["application/json"]?.schema, document),
      });
    }
  }
  return operations;
}

describe("the HTTP fuzzer", () => {
  let store: Store;
  let app: FastifyInstance;
  const tokens = new Map<Role, string>();
  let dir: string;

  before(async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    dir = await mkdtemp(join(tmpdir(), "decree-fuzz-"));
    store = await openStore({ dataDir: dir });
    app = await buildApp({ store, now: () => duringOrder });
    await app.ready();
    for (const role of [
      "authority",
      "applicant",
      "operator",
      "search-engine",
      "auditor",
      "admin",
    ] as Role[]) {
      tokens.set(role, (await tokenFor(store, role, `Fuzz ${role}`)).token);
    }
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: { authorization: `Bearer ${tokens.get("authority")}` },
      payload: sampleOrder({ targets: ["fuzz.allostreaming.com"] }),
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    await approveTargets(store, [{ value: "allostreaming.com", kind: "domain" }]);
    await publish(store);
  });
  after(async () => {
    await app?.close();
    await store?.close();
    const { rm } = await import("node:fs/promises");
    await rm(dir, { recursive: true, force: true });
  });

  it("answers every operation's malformed and hostile requests below 500, refusals as problem+json, changing nothing", async () => {
    const document = (await app.inject({ url: "/openapi.json" })).json() as Record<string, unknown>;
    const { declaredRoutes } = await import("../src/http/auth-plugin.ts");
    const access = new Map(
      declaredRoutes(app).map((route) => [
        `${route.method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`,
        route.access,
      ]),
    );
    const operations = operationsOf(document, (method, path) => access.get(`${method} ${path}`));
    assert.ok(operations.length > 60, `the document lists ${operations.length} operations`);
    const random = seededRandom(seed);
    const failures: string[] = [];
    let sent = 0;
    for (const operation of operations) {
      const label = `${operation.method} ${operation.path}`;
      const writes = operation.method !== "GET" && operation.method !== "HEAD";
      let before: Counts | undefined = writes ? await rowCounts(store) : undefined;
      for (let n = 0; n < perOperation; n++) {
        const path = operation.path.replace(/\{([^}]+)\}/g, () =>
          encodeSegment(
            random.next() < 0.5
              ? random.pick([...hostileParams.map(decodeSafe), ...bogusIds])
              : hostileString(random).slice(0, 300),
          ),
        );
        const query = new URLSearchParams();
        for (const parameter of operation.parameters.filter((p) => p.in === "query")) {
          if (random.next() < 0.6) query.append(parameter.name, String(valueFor(parameter.schema, random)));
        }
        if (random.next() < 0.1) query.append(hostileString(random).slice(0, 20), "1");
        const url = `${path}${query.size > 0 ? `?${query}` : ""}`;
        const headers: Record<string, string> = {};
        if (operation.access !== "public" && random.next() < 0.9) {
          headers.authorization = `Bearer ${tokens.get(policy[operation.access][0] as Role)}`;
        }
        let payload: string | Buffer | undefined;
        if (writes) {
          if (random.next() < 0.3) {
            const body = hostileBody(random);
            payload = body.payload;
            headers["content-type"] = body.type;
          } else {
            payload = JSON.stringify(valueFor(operation.body ?? { type: "object" }, random));
            headers["content-type"] = "application/json";
          }
        }
        sent += 1;
        let response: Awaited<ReturnType<FastifyInstance["inject"]>>;
        try {
          response = await app.inject({
            method: operation.method as "GET",
            url,
            headers,
            remoteAddress: nextAddress(),
            ...(payload === undefined ? {} : { payload }),
          });
        } catch (error) {
          failures.push(`${label} ${url.slice(0, 80)}: the request threw ${String(error).slice(0, 120)}`);
          continue;
        }
        const status = response.statusCode;
        if (status >= 500) {
          failures.push(`${label} ${url.slice(0, 80)}: ${status} ${response.body.slice(0, 200)}`);
          continue;
        }
        if (status >= 400 && !acceptsAnyBody.has(label)) {
          if (!problemJson.test(String(response.headers["content-type"]))) {
            // The appeal form's refusals are a page for people (appeal-routes.ts); anything else is a problem.
            const formPage =
              label === "POST /appeals" &&
              headers["content-type"]?.startsWith("application/x-www-form-urlencoded");
            if (!formPage) failures.push(`${label}: ${status} as ${response.headers["content-type"]}`);
          } else if (typeof response.json().code !== "string") {
            failures.push(`${label}: ${status} problem without a code`);
          }
        }
        if (writes && before) {
          if (status >= 400) {
            const after = await rowCounts(store);
            failures.push(
              ...unchanged({ method: operation.method, url: `${operation.path} (${status})` }, before, after),
            );
          } else {
            before = await rowCounts(store);
          }
        }
      }
    }
    assert.deepEqual(failures, [], `seed ${seed}`);
    assert.ok(sent >= operations.length * perOperation);
  });
});

/** Percent-encodes a path segment; a lone surrogate goes as the bytes of its (invalid) UTF-8 form, ED A0 80. */
function encodeSegment(text: string): string {
  return [...text]
    .map((char) => {
      try {
        return encodeURIComponent(char);
      } catch {
        return "%ED%A0%80";
      }
    })
    .join("");
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
