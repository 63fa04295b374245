import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { actor, approveTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { startWebhookReceiver } from "../../../test/support/webhook-receiver.ts";
import { buildRelease, type ReleaseSummary } from "../build-release.ts";
import { addOperator } from "../operators.ts";
import { decideRollout } from "../rollout/decide-rollout.ts";
import { haltRollout } from "../rollout/halt-rollout.ts";
import { openRollout } from "../rollout/open-rollout.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { updateOperator } from "../update-operator.ts";
import { deliverWebhooks } from "./deliver-webhooks.ts";
import { registerWebhook } from "./register-webhook.ts";

const options = { now: duringOrder, allowPrivateDestinations: true, retryBaseMs: 1000, timeoutMs: 2000 };

describeEachEngine("webhooks of a staged release", (store) => {
  type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
  let canary: Receiver;
  let other: Receiver;
  const build = (staged = true) =>
    buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder, { staged });
  /** What a receiver heard: `type serial` per delivery, in order. */
  const heard = (receiver: Receiver) =>
    receiver.received.map((request) => {
      const body = JSON.parse(request.body);
      return `${body.type} ${body.release.serial}`;
    });
  const bodies = (receiver: Receiver) => receiver.received.map((request) => JSON.parse(request.body));

  before(async () => {
    canary = await startWebhookReceiver();
    other = await startWebhookReceiver();
    for (const [name, receiver] of [
      ["Small", canary],
      ["Big", other],
    ] as const) {
      await addOperator(store().db, { name }, { actor, now: duringOrder });
      const { principal } = await tokenFor(store(), "operator", name);
      await registerWebhook(
        store(),
        receiver.url,
        { organisationId: principal.organisationId, actor, now: duringOrder },
        { allowPrivateDestinations: true },
      );
    }
    await updateOperator(store().db, "Small", { canary: true }, { actor, now: duringOrder });
  });
  after(async () => {
    await canary?.close();
    await other?.close();
  });

  let first: ReleaseSummary;
  let staged: ReleaseSummary;
  let joined: ReleaseSummary;

  it("calls a canary's webhook when a release is staged, and nobody else's", async () => {
    await approveTargets(store(), ["first.fifostream.tv"]);
    first = (await build(false))!;
    await approveTargets(store(), ["staged.fifostream.tv"]);
    staged = (await build())!;
    assert.equal(staged.staged, true);
    await deliverWebhooks(store(), options);
    assert.deepEqual(heard(canary), [`release ${first.serial}`, `release ${staged.serial}`]);
    assert.deepEqual(heard(other), [`release ${first.serial}`]);
  });

  it("tells only the canaries of a halt", async () => {
    const rollout = (await openRollout(store().db))!;
    const overBlocked = [
      { operator: "Small", resolver: "127.0.0.1:53 udp", name: "x.com", answer: "NXDOMAIN" },
    ];
    await haltRollout(store().db, rollout, { overBlocked }, duringOrder);
    await deliverWebhooks(store(), options);
    assert.deepEqual(heard(canary).at(-1), `release.halted ${staged.serial}`);
    assert.deepEqual(heard(other), [`release ${first.serial}`]);
  });

  it("calls everyone else's webhook when the staged release is promoted, its diff from the last one it had", async () => {
    // An entry approved while the rollout is halted joins it, as a newer staged release.
    await approveTargets(store(), ["joined.fifostream.tv"]);
    joined = (await build())!;
    assert.equal(joined.staged, true);
    await decideRollout(store(), {
      decision: "proceed",
      serial: joined.serial,
      reason: "checked",
      actor,
      now: duringOrder,
    });
    await deliverWebhooks(store(), options);
    assert.deepEqual(heard(other), [`release ${first.serial}`, `release ${joined.serial}`]);
    const promoted = bodies(other).at(-1);
    assert.equal(promoted.release.previousSerial, first.serial);
    assert.equal(promoted.links.diff, `/feeds/json?since=${first.serial}`);
    // Both entries since the release it had, folded together, not the last staged step's one.
    assert.deepEqual([promoted.release.added, promoted.release.removed], [2, 0]);
    assert.deepEqual(heard(canary).slice(2), [`release.halted ${staged.serial}`, `release ${joined.serial}`]);
  });

  it("never calls everyone else's webhook with a withdrawn release, only with the release after it", async () => {
    await approveTargets(store(), ["withdrawn.fifostream.tv"]);
    const withdrawn = (await build())!;
    await deliverWebhooks(store(), options);
    await decideRollout(store(), {
      decision: "withdraw",
      serial: withdrawn.serial,
      reason: "a lawful site",
      actor,
      now: duringOrder,
    });
    const next = (await build())!;
    assert.equal(next.staged, false);
    await deliverWebhooks(store(), options);
    assert.deepEqual(heard(canary).slice(-2), [`release ${withdrawn.serial}`, `release ${next.serial}`]);
    assert.deepEqual(heard(other).slice(-1), [`release ${next.serial}`]);
    assert.ok(!heard(other).includes(`release ${withdrawn.serial}`));
    assert.equal(bodies(other).at(-1).release.previousSerial, joined.serial);
  });
});
