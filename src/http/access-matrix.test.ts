import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { tokenFor } from "../../test/support/accounts.ts";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { type Role, roles } from "../accounts/roles.ts";
import { loadDemo } from "../demo/load-demo.ts";
import { may } from "../review/permissions.ts";
import { declaredRoutes } from "./auth-plugin.ts";
import { buildApp } from "./build-app.ts";

/**
 * Every (role, endpoint) pair, found by the auth plugin as routes are added, so that a route added later is in
 * the matrix without anyone listing it. For each route, the public and each role call it once: a role `may()`
 * refuses gets 403 FORBIDDEN, the public 401 AUTH_REQUIRED; an allowed caller gets past the check (its answer
 * may still be 400 for the empty body, 404 for the made-up id, 429 for a rate limit), and never a 5xx.
 */
const opened: StoreUnderTest = await storeEngines[0]!.open();
const now = new Date("2026-11-28T12:00:00Z");
await loadDemo(opened.store, now);
const app = await buildApp({ store: opened.store, now: () => now });
await app.ready();
const tokens = new Map<Role, string>();
for (const role of roles) tokens.set(role, (await tokenFor(opened.store, role)).token);

// An id nothing has, so that an allowed call reaches its handler without changing what other calls see.
const missingId = "999999";
const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function concreteUrl(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, missingId).replace(/\*/g, "x");
}

describe("the access matrix: every route with the public and every role", () => {
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("finds the routes of every group, including the accounts and the read routes", () => {
    const urls = new Set(declaredRoutes(app).map((route) => route.url));
    for (const url of ["/me", "/tokens", "/accounts/users", "/targets", "/feeds/:format", "/openapi.json"]) {
      assert.ok(urls.has(url), `${url} is not among the declared routes`);
    }
  });

  for (const route of declaredRoutes(app)) {
    it(`${route.method} ${route.url} (${route.access})`, async () => {
      const callers: Array<Role | "public"> = ["public", ...roles];
      const wrong: string[] = [];
      for (const caller of callers) {
        const token = caller === "public" ? undefined : tokens.get(caller);
        const res = await app.inject({
          method: route.method as "GET",
          url: concreteUrl(route.url),
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(unsafe.has(route.method) && route.method !== "DELETE" ? { payload: {} } : {}),
        });
        const allowed = route.access === "public" || (caller !== "public" && may(caller, route.access));
        const code = res.statusCode >= 400 && route.method !== "HEAD" ? res.json().code : undefined;
        const expected = allowed
          ? "not 401/403, not 5xx"
          : caller === "public"
            ? "401 AUTH_REQUIRED"
            : "403 FORBIDDEN";
        const ok = allowed
          ? res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500
          : caller === "public"
            ? res.statusCode === 401 &&
              (route.method === "HEAD" || code === "AUTH_REQUIRED") &&
              String(res.headers["www-authenticate"]).startsWith("Bearer")
            : res.statusCode === 403 && (route.method === "HEAD" || code === "FORBIDDEN");
        if (!ok) wrong.push(`${caller}: expected ${expected}, got ${res.statusCode} ${code ?? ""}`);
      }
      assert.deepEqual(wrong, []);
    });
  }
});
