import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { declaredRoutes } from "./auth-plugin.ts";
import { buildApp } from "./build-app.ts";

/** Fastify writes `/orders/:id`, OpenAPI `/orders/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, "{$1}");
}

describe("the OpenAPI document", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: Array<{ name: string }> }>>;
  };

  before(async () => {
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store });
    const res = await app.inject("/openapi.json");
    assert.equal(res.statusCode, 200);
    document = res.json();
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  it("is valid OpenAPI 3.1 by the specification's own JSON Schema", async () => {
    assert.match(document.openapi, /^3\.1\.\d+$/);
    const result = await new Validator().validate(document);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  it("lists every route with its method, except the reference page's own assets", () => {
    const missing = declaredRoutes(app)
      .filter((route) => !route.hidden && route.method !== "HEAD")
      .filter((route) => !document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    assert.deepEqual(missing, []);
  });

  it("says which operations need a credential, and documents the query parameters from the zod schemas", () => {
    assert.deepEqual(document.paths["/tokens"]?.get?.security, [{ bearerToken: [] }, { sessionCookie: [] }]);
    assert.deepEqual(document.paths["/feeds"]?.get?.security, []);
    const names = (document.paths["/targets"]?.get?.parameters ?? []).map((p) => p.name);
    assert.deepEqual(names.sort(), ["after", "kind", "limit", "name", "order", "state"]);
  });

  it("serves a browsable reference page at /docs", async () => {
    const page = await app.inject("/docs");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui/i);
  });
});
