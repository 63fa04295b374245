import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { findUser } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { addOperator } from "../../publish/operators.ts";
import { acceptAgentBatch } from "./agent-batch.ts";
import { DnsProber } from "./dns-prober.ts";
import { addProbeAgent, agentForToken } from "./probe-agents.ts";
import { runProbeAgentRound } from "./run-probe-agent.ts";
import { runProbeSweep } from "./run-probe-sweep.ts";

const by = { actor: "test:shell", now: new Date("2026-06-01T12:00:00Z") };
const hasCode = (code: string) => (error: unknown) => error instanceof DecreeError && error.code === code;

/** An Ed25519 key pair as an agent holds it, with the public key in the raw base64 form the registry pins. */
function agentKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url").toString("base64");
  return { privateKey, publicKey: raw };
}

describeEachEngine("registering probe agents and taking their batches", (store) => {
  async function operatorUser(operator: string) {
    await addOperator(store().db, { name: operator, tsig: false }, by);
    const { principal } = await tokenFor(store(), "operator", operator);
    return (await findUser(store().db, principal.userId)).email;
  }

  it("refuses a malformed agent name, another role's user, a malformed key and a name taken", async () => {
    const user = await operatorUser("Agent ISP");
    const { principal } = await tokenFor(store(), "applicant");
    const applicant = (await findUser(store().db, principal.userId)).email;
    const base = { name: "agent-isp-1", operator: "Agent ISP", user };
    await assert.rejects(
      addProbeAgent(store().db, { ...base, name: "Not An Agent!" }, by),
      hasCode("PROBE_AGENT_INVALID"),
    );
    await assert.rejects(
      addProbeAgent(store().db, { ...base, user: applicant }, by),
      hasCode("PROBE_AGENT_INVALID"),
    );
    await assert.rejects(
      addProbeAgent(store().db, { ...base, publicKey: "c2hvcnQ=" }, by),
      hasCode("PROBE_AGENT_INVALID"),
    );
    await addProbeAgent(store().db, base, by);
    await assert.rejects(addProbeAgent(store().db, base, by), hasCode("PROBE_AGENT_DUPLICATE"));
  });

  it("refuses a token that is no agent's, and a key other than the one pinned on first use", async () => {
    const user = await operatorUser("Pinning ISP");
    const { token } = await addProbeAgent(
      store().db,
      { name: "pinning-1", operator: "Pinning ISP", user },
      by,
    );
    await assert.rejects(
      agentForToken(store().db, "dct_not-a-token", undefined, by.now),
      hasCode("PROBE_AGENT_UNKNOWN"),
    );
    const first = agentKeyPair();
    const pinned = await agentForToken(store().db, token, first.publicKey, by.now);
    assert.equal(pinned.publicKey, first.publicKey);
    await assert.rejects(
      agentForToken(store().db, token, agentKeyPair().publicKey, by.now),
      hasCode("PROBE_AGENT_KEY_MISMATCH"),
    );
  });

  it("refuses a signed batch that is not JSON, or that names another agent", async () => {
    const user = await operatorUser("Batch ISP");
    const keys = agentKeyPair();
    const { token } = await addProbeAgent(
      store().db,
      { name: "batch-1", operator: "Batch ISP", user, publicKey: keys.publicKey },
      by,
    );
    const agent = await agentForToken(store().db, token, keys.publicKey, by.now);
    const signed = (payload: string) => ({
      payload,
      signature: sign(null, Buffer.from(payload, "utf8"), keys.privateKey).toString("base64"),
    });
    const prober = new DnsProber({});
    try {
      const settings = { stopPage: [], prober, now: by.now };
      await assert.rejects(
        acceptAgentBatch(store(), agent, signed("not json"), settings),
        hasCode("PROBE_BATCH_INVALID"),
      );
      const otherAgent = JSON.stringify({
        agent: "someone-else",
        startedAt: by.now,
        finishedAt: by.now,
        measurements: [],
      });
      await assert.rejects(
        acceptAgentBatch(store(), agent, signed(otherAgent), settings),
        hasCode("PROBE_BATCH_INVALID"),
      );
    } finally {
      prober.close();
    }
  });

  it("refuses a sweep when no operator has a resolver to probe", async () => {
    await assert.rejects(
      runProbeSweep(store(), { stopPage: [], operator: "Batch ISP" }),
      hasCode("PROBE_NO_RESOLVERS"),
    );
  });
});

describe("a probe agent whose registry does not answer", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-agent-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("stops with PROBE_REGISTRY_UNREACHABLE, saying which URL it could not reach", async () => {
    const port = await freePort();
    await assert.rejects(
      runProbeAgentRound({
        registry: `http://127.0.0.1:${port}`,
        token: "dct_x",
        keyFile: join(dir, "agent.pem"),
      }),
      (error: unknown) => {
        assert.ok(hasCode("PROBE_REGISTRY_UNREACHABLE")(error));
        assert.match((error as Error).message, new RegExp(`127\\.0\\.0\\.1:${port}/probe/work`));
        return true;
      },
    );
  });
});
