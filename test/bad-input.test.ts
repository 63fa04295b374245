import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import type { FastifyInstance, InjectOptions } from "fastify";
import type { Role } from "../src/accounts/roles.ts";
import { declaredRoutes } from "../src/http/auth-plugin.ts";
import { buildApp } from "../src/http/build-app.ts";
import { type Access, policy } from "../src/review/permissions.ts";
import type { Store } from "../src/store/database.ts";
import { tokenFor } from "./support/accounts.ts";
import { describeEachEngine } from "./support/each-engine.ts";
import { hostileParams, injections, nextAddress, rowCounts, unchanged } from "./support/hostile-input.ts";
import { approveTargets, publish } from "./support/published-zone.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";

/**
 * The bad-input corpus: every writing route the app declares (found as the access matrix finds them, so a route
 * added later is in the corpus without anyone listing it) gets malformed and hostile requests: wrong types,
 * invalid and poisoned JSON, unknown fields, oversized bodies, bodies of the wrong type, injection strings
 * (SQL, HTML, path traversal, NUL, overlong UTF-8, bidi controls) in every field and in the path, forged,
 * expired and revoked credentials, and another organisation's ids. Each must get a 4xx problem+json, never a
 * 5xx, and leave every table's row count as it was. On both engines: PostgreSQL refuses what SQLite stores
 * (a NUL in text), so a check that passes on one can fail on the other.
 */

const writing = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const missingId = "999999";
const problemJson = "application/problem+json; charset=utf-8";

/**
 * Routes that by design take any body and change nothing, so that only "no 5xx, nothing changed" applies:
 * the Piracy Shield login shim (its clients must run unchanged; the token it returns grants nothing) and
 * logging out (a browser without a session may always "log out").
 */
const acceptsAnyBody = new Set(["POST /api/v1/authentication/login", "POST /auth/logout"]);

/**
 * Routes whose only field is free text, where a hostile string is data like any other: it is stored as given
 * (the response echoes it, runs of white space collapsed as names are) and escaped wherever it is shown. The
 * corpus then checks that it was taken as sent, and counts rows again from there.
 */
const freeTextRoutes = new Set(["POST /accounts/organisations"]);

type JsonSchema = {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

interface Case {
  name: string;
  request: InjectOptions;
  /** A free-text route may store this string verbatim instead of refusing it. */
  verbatim?: string;
}

describeEachEngine("the bad-input corpus", (store) => {
  let app: FastifyInstance;
  const tokens = new Map<Role, string>();
  let expired: string;
  let revoked: string;
  /** Another organisation's resources, which an applicant, operator or user of ours must not reach. */
  const theirs: Record<string, string> = {};

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    await app.ready();
    for (const role of Object.keys(rolesByName) as Role[]) {
      tokens.set(role, (await tokenFor(store(), role, `Our ${role}`)).token);
    }
    ({ expired, revoked } = await deadTokens(store()));
    await seedTheirs(store(), app, theirs);
  });
  after(() => app.close());

  it("finds the writing routes of every group", () => {
    const urls = writingRoutes(app).map((route) => `${route.method} ${route.url}`);
    for (const route of ["POST /appeals", "POST /orders", "POST /accounts/users", "DELETE /tokens/:id"]) {
      assert.ok(urls.includes(route), `${route} is not among the writing routes: ${urls.join(", ")}`);
    }
  });

  it("refuses forged, expired and revoked credentials on every protected writing route with 401", async () => {
    const failures: string[] = [];
    for (const route of writingRoutes(app).filter((r) => r.access !== "public")) {
      const before = await rowCounts(store());
      const credentials: Record<string, Record<string, string>> = {
        none: {},
        forged: { authorization: `Bearer dct_${randomBytes(32).toString("base64url")}` },
        garbage: { authorization: "Bearer ' OR 1=1 --" },
        jwt: { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ." },
        basic: { authorization: "Basic YWRtaW46YWRtaW4=" },
        expired: { authorization: `Bearer ${expired}` },
        revoked: { authorization: `Bearer ${revoked}` },
        session: { cookie: `decree_session=${randomBytes(32).toString("base64url")}` },
      };
      for (const [name, headers] of Object.entries(credentials)) {
        const response = await app.inject({
          method: route.method as "POST",
          url: concrete(route.url, missingId),
          headers,
          remoteAddress: nextAddress(),
          ...(route.method === "DELETE" ? {} : { payload: {} }),
        });
        if (response.statusCode !== 401 || response.headers["content-type"] !== problemJson) {
          failures.push(`${route.method} ${route.url} with ${name} credentials: ${response.statusCode}`);
        }
      }
      failures.push(...unchanged(route, before, await rowCounts(store())));
    }
    assert.deepEqual(failures, []);
  });

  it("refuses another organisation's orders, webhooks and tokens as not found", async () => {
    const failures: string[] = [];
    for (const route of writingRoutes(app)) {
      const owned = ownedResource(route.url);
      if (!owned) continue;
      const before = await rowCounts(store());
      const role = owned.role(route.access);
      if (!role) continue;
      const document = route.method !== "DELETE" && !route.schema;
      const response = await app.inject({
        method: route.method as "POST",
        url: concrete(route.url, theirs[owned.kind]!),
        headers: { authorization: `Bearer ${tokens.get(role)}`, ...(document ? pdf.headers : {}) },
        remoteAddress: nextAddress(),
        ...(route.method === "DELETE" ? {} : { payload: document ? pdf.payload : plausibleBody(route) }),
      });
      if (![400, 404].includes(response.statusCode) || response.headers["content-type"] !== problemJson) {
        failures.push(
          `${route.method} ${route.url} as ${role} on their ${owned.kind}: ${response.statusCode}`,
        );
      }
      failures.push(...unchanged(route, before, await rowCounts(store())));
    }
    assert.deepEqual(failures, []);
    assert.ok(Object.keys(theirs).length === 3, "the corpus reached orders, webhooks and tokens");
  });

  it("answers every malformed or hostile request on every writing route with 4xx problem+json", async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const route of writingRoutes(app)) {
      const label = `${route.method} ${route.url}`;
      const headers = authFor(route.access);
      let before = await rowCounts(store());
      for (const item of corpus(app, route)) {
        sent += 1;
        const response = await app.inject({
          ...item.request,
          method: route.method as "POST",
          headers: { ...headers, ...item.request.headers },
          remoteAddress: nextAddress(),
        });
        const status = response.statusCode;
        if (status >= 500) {
          failures.push(`${label} ${item.name}: ${status} ${response.body.slice(0, 200)}`);
          continue;
        }
        if (acceptsAnyBody.has(label)) continue;
        if (status < 300 && item.verbatim !== undefined && freeTextRoutes.has(label)) {
          if (!Object.values(response.json()).includes(collapsed(item.verbatim))) {
            failures.push(`${label} ${item.name}: accepted, but not as sent`);
          }
          before = await rowCounts(store());
          continue;
        }
        if (status < 400 || status >= 500 || response.headers["content-type"] !== problemJson) {
          failures.push(`${label} ${item.name}: ${status} ${response.headers["content-type"]}`);
        } else if (typeof response.json().code !== "string") {
          failures.push(`${label} ${item.name}: problem without a code`);
        }
      }
      failures.push(...unchanged(route, before, await rowCounts(store())));
    }
    assert.deepEqual(failures, []);
    assert.ok(sent > 300, `the corpus sent ${sent} requests`);
  });

  function authFor(access: Access): Record<string, string> {
    if (access === "public") return {};
    const role = policy[access][0] as Role;
    return { authorization: `Bearer ${tokens.get(role)}` };
  }
});

/** For a route that takes a document rather than JSON: a real (if tiny) PDF, so that only ownership is wrong. */
const pdf = {
  headers: { "content-type": "application/pdf" },
  payload: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
};

const rolesByName: Record<Role, true> = {
  authority: true,
  applicant: true,
  operator: true,
  "search-engine": true,
  auditor: true,
  admin: true,
};

interface WritingRoute {
  method: string;
  url: string;
  access: Access;
  schema: JsonSchema | undefined;
}

function writingRoutes(app: FastifyInstance): WritingRoute[] {
  const document = app.swagger() as {
    paths?: Record<
      string,
      Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
    >;
  };
  return declaredRoutes(app)
    .filter((route) => writing.has(route.method))
    .map((route) => {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const operation = document.paths?.[path]?.[route.method.toLowerCase()];
      return { ...route, schema: operation?.requestBody?.content?.["application/json"]?.schema };
    });
}

function concrete(url: string, id: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, id);
}

/** Every request of the corpus for one route, its path parameters set to an id nothing has. */
function corpus(app: FastifyInstance, route: WritingRoute): Case[] {
  const url = concrete(route.url, missingId);
  const json = (name: string, payload: unknown, verbatim?: string): Case => ({
    name,
    request: { url, payload: JSON.stringify(payload), headers: { "content-type": "application/json" } },
    ...(verbatim === undefined ? {} : { verbatim }),
  });
  const raw = (name: string, payload: string | Buffer, contentType: string): Case => ({
    name,
    request: { url, payload, headers: { "content-type": contentType } },
  });
  const properties = Object.entries(route.schema?.properties ?? {});
  const cases: Case[] = [
    json("an array body", []),
    json("a string body", "targets"),
    json("a number body", 42),
    json("a null body", null),
    json("a boolean body", true),
    raw("truncated JSON", '{"target": ', "application/json"),
    raw("single-quoted JSON", "{'target': 'x'}", "application/json"),
    raw("a __proto__ key", '{"__proto__": {"role": "admin"}, "a": 1}', "application/json"),
    raw(
      "a constructor.prototype key",
      '{"constructor": {"prototype": {"role": "admin"}}}',
      "application/json",
    ),
    json("an unknown field", { unknownField: "x", role: "admin", isAdmin: true }),
    raw("a body over 1 MiB", JSON.stringify({ padding: "a".repeat(1_100_000) }), "application/json"),
    raw("a text/plain body", "target=allostreaming.com", "text/plain"),
    raw(
      "an XML body",
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      "application/xml",
    ),
    raw(
      "overlong UTF-8 bytes",
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
      "application/json",
    ),
    raw(
      "a multipart body",
      "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--\r\n",
      "multipart/form-data; boundary=b",
    ),
  ];
  if ((route.schema?.required ?? []).length > 0) cases.push(json("an empty object", {}));
  if (properties.length > 0) {
    cases.push(
      json(
        "every field of the wrong type",
        Object.fromEntries(properties.map(([k, s]) => [k, wrongValue(s)])),
      ),
    );
    for (const [key, schema] of properties) {
      cases.push(json(`${key} of the wrong type`, { ...plausibleBody(route), [key]: wrongValue(schema) }));
    }
    cases.push(json("a plausible body and an unknown field", { ...plausibleBody(route), unknownField: 1 }));
    for (const [kind, value] of Object.entries(injections)) {
      const body = Object.fromEntries(properties.map(([key, schema]) => [key, injected(schema, value)]));
      cases.push(json(`${kind} injection in every field`, body, kind === "nul" ? undefined : value));
    }
  }
  if (route.url.includes(":")) {
    for (const param of hostileParams) {
      cases.push({
        name: `path parameter ${param.slice(0, 20)}`,
        request: {
          url: concrete(route.url, param),
          payload: "{}",
          headers: { "content-type": "application/json" },
        },
      });
    }
  }
  void app;
  return cases;
}

/** A value of another JSON type than the schema asks for. */
function wrongValue(schema: JsonSchema): unknown {
  const type = typeOf(schema);
  if (type === "string") return { $gt: "" };
  if (type === "number" || type === "integer") return "1; DROP TABLE orders";
  if (type === "boolean") return "yes";
  if (type === "array") return "not a list";
  return ["not", "an", "object"];
}

/** The injection string where the schema takes text, in a list where it takes a list, else the wrong type. */
function injected(schema: JsonSchema, value: string): unknown {
  const type = typeOf(schema);
  if (type === "string") return value;
  if (type === "array") return [value];
  if (type === "object") {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, s]) => [k, injected(s, value)]),
    );
  }
  return value;
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  return type ?? (schema.anyOf ? typeOf(schema.anyOf[0]!) : undefined);
}

/** A body of the right shape for the route's known fields: it passes validation when nothing else is wrong. */
function plausibleBody(route: WritingRoute): Record<string, unknown> {
  const known: Record<string, unknown> = {
    reason: "bad input test",
    decision: "uphold",
    targets: ["allostreaming.com"],
    target: "allostreaming.com",
    contact: "someone@example.com",
    url: "https://hooks.orange.fr/decree",
    name: "An organisation",
    email: "user@example.com",
    password: "correct horse battery staple",
    kind: "already-blocked",
  };
  const keys = Object.keys(route.schema?.properties ?? {});
  return Object.fromEntries(keys.filter((key) => key in known).map((key) => [key, known[key]]));
}

/** Which of another organisation's resources a route's id names, and who of ours tries it. */
function ownedResource(
  url: string,
): { kind: string; role: (access: Access) => Role | undefined } | undefined {
  const ownRole = (candidates: Role[]) => (access: Access) =>
    access === "public"
      ? undefined
      : candidates.find((role) => (policy[access] as readonly Role[]).includes(role));
  if (url.startsWith("/orders/:id")) return { kind: "order", role: ownRole(["applicant"]) };
  if (url.startsWith("/webhooks/:id"))
    return { kind: "webhook", role: ownRole(["operator", "search-engine"]) };
  if (url.startsWith("/tokens/:id")) return { kind: "token", role: ownRole(["applicant", "operator"]) };
  return undefined;
}

/** Tokens that were real: one past its expiry, one revoked. */
async function deadTokens(store: Store): Promise<{ expired: string; revoked: string }> {
  const expired = await tokenFor(store, "authority", "Expired Co");
  const revoked = await tokenFor(store, "authority", "Revoked Co");
  await store.db
    .updateTable("api_tokens")
    .set({ expires_at: "2020-01-01T00:00:00.000Z" })
    .where("user_id", "=", expired.principal.userId)
    .execute();
  await store.db
    .updateTable("api_tokens")
    .set({ revoked_at: "2026-01-02T00:00:00.000Z" })
    .where("user_id", "=", revoked.principal.userId)
    .execute();
  return { expired: expired.token, revoked: revoked.token };
}

/** Their order (submitted by their applicant), their operator's webhook, their user's token; and entries. */
async function seedTheirs(store: Store, app: FastifyInstance, theirs: Record<string, string>): Promise<void> {
  const applicant = await tokenFor(store, "applicant", "Their rights holder");
  const submitted = await app.inject({
    method: "POST",
    url: "/orders",
    headers: { authorization: `Bearer ${applicant.token}` },
    payload: sampleOrder({ targets: ["their.allostreaming.com"] }),
  });
  assert.equal(submitted.statusCode, 201, submitted.body);
  theirs.order = String(submitted.json().order.id);
  const operator = await tokenFor(store, "operator", "Their ISP");
  const hook = await app.inject({
    method: "POST",
    url: "/webhooks",
    headers: { authorization: `Bearer ${operator.token}` },
    payload: { url: "https://hooks.their-isp.fr/decree" },
  });
  assert.equal(hook.statusCode, 201, hook.body);
  theirs.webhook = String(hook.json().id);
  const token = await store.db
    .selectFrom("api_tokens")
    .select("id")
    .where("user_id", "=", applicant.principal.userId)
    .executeTakeFirstOrThrow();
  theirs.token = String(token.id);
  await approveTargets(store, [{ value: "allostreaming.com", kind: "domain" }]);
  await publish(store);
}

/** A name as decree keeps it: trimmed, each run of white space one space. */
function collapsed(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}
