import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { csvRecords as records } from "../../../test/support/parse-csv.ts";
import { scorecardFixture, scorecardNow } from "../../../test/support/scorecard-fixture.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { buildApp } from "../build-app.ts";

for (const engine of storeEngines)
  describe(`public scorecards over HTTP (${engine.name})`, () => {
    let opened: StoreUnderTest;
    let app: FastifyInstance;

    before(async () => {
      opened = await engine.open();
      app = await buildApp({ store: opened.store, now: () => scorecardNow });
      await scorecardFixture(opened.store);
    });
    after(async () => {
      await app.close();
      await opened.dispose();
    });

    it("gives a measured operator its figures and an unmeasured one nulls, not zeros, to anyone", async () => {
      const response = await app.inject("/scorecards/operators");
      assert.equal(response.statusCode, 200, response.body);
      const { operators } = response.json();
      assert.deepEqual(
        operators.map((card: { operator: string }) => card.operator),
        ["Measured", "Unmeasured"],
      );
      const measured = operators[0];
      assert.equal(measured.probes, 5);
      assert.equal(measured.shareEnforced, 1);
      assert.equal(measured.timeToEnforceP50Ms, 1000);
      assert.equal(measured.timeToEnforceP95Ms, 3000);
      assert.equal(measured.timeToLiftP50Ms, null);
      assert.equal(measured.serialLag, null);
      assert.equal(measured.acknowledgedSerialLag, 0);
      assert.deepEqual(measured.overBlockedNames, ["control-news.org"]);
      // One contradiction (a control name blocked) over four judged probes; the failed one counts apart.
      assert.equal(measured.errorRate, 0.25);
      assert.equal(measured.failedProbes, 1);
      assert.deepEqual(measured.history, [
        {
          day: "2026-11-01",
          probes: 5,
          enforced: 2,
          notEnforced: 1,
          overBlocked: 1,
          failed: 1,
          shareEnforced: 0.6667,
          errorRate: 0.5,
        },
        {
          day: "2026-11-02",
          probes: 1,
          enforced: 1,
          notEnforced: 0,
          overBlocked: 0,
          failed: 0,
          shareEnforced: 1,
          errorRate: 0,
        },
      ]);
      const unmeasured = operators[1];
      assert.equal(unmeasured.probes, 0);
      for (const figure of [
        "shareEnforced",
        "timeToEnforceP50Ms",
        "timeToEnforceP95Ms",
        "timeToLiftP50Ms",
        "timeToLiftP95Ms",
        "serialLag",
        "acknowledgedSerialLag",
        "errorRate",
        "lastMeasuredAt",
      ]) {
        assert.equal(unmeasured[figure], null, figure);
      }
      assert.deepEqual(unmeasured.history, []);
    });

    it("answers one operator by name, and an unknown name with its code", async () => {
      const one = await app.inject("/scorecards/operators/Measured");
      assert.equal(one.statusCode, 200, one.body);
      assert.equal(one.json().operator, "Measured");
      const unknown = await app.inject("/scorecards/operators/Nobody");
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().code, "OPERATOR_NOT_FOUND");
    });

    it("serves the operators' scorecards as RFC 4180 CSV by suffix and by Accept, empty where not measured", async () => {
      const bySuffix = await app.inject("/scorecards/operators.csv");
      const byAccept = await app.inject({ url: "/scorecards/operators", headers: { accept: "text/csv" } });
      for (const response of [bySuffix, byAccept]) {
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.headers["content-type"], "text/csv; charset=utf-8; header=present");
      }
      assert.equal(bySuffix.body, byAccept.body);
      const [measured, unmeasured] = records(bySuffix.body);
      assert.equal(measured!.operator, "Measured");
      assert.equal(measured!.share_enforced, "1");
      assert.equal(measured!.error_rate, "0.25");
      assert.equal(measured!.time_to_enforce_p95_ms, "3000");
      assert.equal(measured!.time_to_lift_p50_ms, "");
      assert.equal(measured!.over_blocked_names, "control-news.org");
      assert.equal(unmeasured!.operator, "Unmeasured");
      assert.equal(unmeasured!.share_enforced, "");
      assert.equal(unmeasured!.error_rate, "");
      const one = records((await app.inject("/scorecards/operators/Measured.csv")).body);
      assert.deepEqual(one, [measured]);
      // JSON stays the default for a browser's Accept, and when JSON weighs more.
      const browser = await app.inject({
        url: "/scorecards/operators",
        headers: { accept: "text/html,application/json;q=0.9,text/csv;q=0.5" },
      });
      assert.match(String(browser.headers["content-type"]), /^application\/json/);
    });

    it("gives each order its operators' figures on the order's names, as JSON and CSV", async () => {
      const list = (await app.inject("/scorecards/orders")).json();
      assert.deepEqual(
        list.orders.map((order: { orderId: number }) => order.orderId),
        [1],
      );
      const response = await app.inject("/scorecards/orders/1");
      assert.equal(response.statusCode, 200, response.body);
      const order = response.json();
      assert.equal(order.caseNumber, "RG 11/60013");
      const [measured, unmeasured] = order.operators;
      assert.equal(measured.operator, "Measured");
      // The control name belongs to no order: the order's names alone, all enforced, none contradicting.
      assert.equal(measured.probes, 4);
      assert.equal(measured.shareEnforced, 1);
      assert.equal(measured.errorRate, 0);
      assert.deepEqual(measured.overBlockedNames, []);
      assert.equal(measured.timeToEnforceP50Ms, 1000);
      assert.equal(unmeasured.shareEnforced, null);
      const csv = await app.inject({ url: "/scorecards/orders/1", headers: { accept: "text/csv" } });
      assert.equal(csv.headers["content-type"], "text/csv; charset=utf-8; header=present");
      const rows = records(csv.body);
      assert.deepEqual(
        rows.map((row) => [row.order_id, row.case_number, row.operator, row.share_enforced]),
        [
          ["1", "RG 11/60013", "Measured", "1"],
          ["1", "RG 11/60013", "Unmeasured", ""],
        ],
      );
      assert.equal((await app.inject("/scorecards/orders/1.csv")).body, csv.body);
      const missing = await app.inject("/scorecards/orders/99");
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().code, "ORDER_NOT_FOUND");
    });

    it("describes the scorecards in the OpenAPI document", async () => {
      const document = (await app.inject("/openapi.json")).json();
      for (const path of [
        "/scorecards/operators",
        "/scorecards/operators/{name}",
        "/scorecards/orders",
        "/scorecards/orders/{id}",
      ]) {
        assert.ok(document.paths[path]?.get, path);
      }
      const answer =
        document.paths["/scorecards/operators/{name}"].get.responses["200"].content["application/json"]
          .schema;
      // A named component, as the web UI's generated types need: followed by its reference.
      const schema = answer.$ref
        ? document.components.schemas[answer.$ref.replace("#/components/schemas/", "")]
        : answer;
      assert.ok(schema.properties.timeToLiftP50Ms, "time to lift is described");
      assert.ok(schema.properties.errorRate.description.includes("contradicting"));
    });
  });
