// TSIG against a real BIND 9 (Debian's bind9 and bind9-dnsutils): BIND as primary checks our signatures
// and we check its, over a multi-message AXFR; then dig checks the answers of a tiny responder that signs
// with ours.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import * as dnsPacket from "dns-packet";
import { rcodeOf, udpExchange } from "../../../test/support/dns-wire.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { readTsig, signMessage, type TsigKey, type VerifyResult, verifyMessage } from "./tsig.ts";
import { tsigErrorResponse } from "./tsig-error-response.ts";

const run = promisify(execFile);
const zone = "rpz.example";
const entries = 300;
const key: TsigKey = { name: "xfer-key", algorithm: "hmac-sha256", secret: randomBytes(32) };
const wrongKey: TsigKey = { ...key, secret: randomBytes(32) };
const keys = (name: string) => (name === key.name ? key : undefined);
const rcodeNotAuth = 9;

function namedConf(dir: string, port: number): string {
  return `options {
  directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${dir}/named.pid";
  session-keyfile none;
  recursion no;
};
controls { };
key "${key.name}" { algorithm hmac-sha256; secret "${key.secret.toString("base64")}"; };
zone "${zone}" { type primary; file "${zone}.db"; allow-transfer { key ${key.name}; }; };
`;
}

// Enough long TXT records that BIND (transfer-message-size 20480 by default) needs several AXFR messages.
function zoneFile(): string {
  const lines = ["$TTL 60", "@ SOA localhost. hostmaster.localhost. 1 3600 600 86400 60", "@ NS localhost."];
  const filler = "x".repeat(200);
  for (let index = 0; index < entries; index += 1) {
    lines.push(`blocked-${index} CNAME .`, `note-${index} TXT "order 1 entry ${index} ${filler}"`);
  }
  return `${lines.join("\n")}\n`;
}

function query(name: string, type: dnsPacket.RecordType, id = randomBytes(2).readUInt16BE()): Buffer {
  return dnsPacket.encode({ type: "query", id, flags: 0, questions: [{ type, name, class: "IN" }] });
}

async function waitForSoa(port: number, deadline: number, named: ChildProcess): Promise<void> {
  while (Date.now() < deadline && named.exitCode === null) {
    const reply = await udpExchange(port, query(zone, "SOA"), 200);
    if (reply !== undefined && rcodeOf(reply) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`named did not answer the SOA query in time (exit code ${named.exitCode})`);
}

/** Sends one framed request over TCP; collects the framed replies until the zone's second SOA or an error. */
async function tcpExchange(port: number, request: Buffer): Promise<Buffer[]> {
  const socket = createConnection({ host: "127.0.0.1", port });
  const replies: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let soaCount = 0;
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no complete answer after ${replies.length} messages`)),
        10_000,
      );
      const finish = () => {
        clearTimeout(timer);
        resolve(replies);
      };
      socket.on("error", reject);
      socket.on("end", finish);
      socket.on("data", (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const reply = pending.subarray(2, 2 + pending.readUInt16BE(0));
          pending = pending.subarray(2 + reply.length);
          replies.push(reply);
          soaCount += (dnsPacket.decode(reply).answers ?? []).filter(
            (record) => record.type === "SOA",
          ).length;
          if (rcodeOf(reply) !== 0 || soaCount >= 2) finish();
        }
      });
      const length = Buffer.alloc(2);
      length.writeUInt16BE(request.length);
      socket.write(Buffer.concat([length, request]));
    });
  } finally {
    socket.destroy();
  }
}

describe("TSIG with a real BIND 9 as the primary", () => {
  let dir = "";
  let port = 0;
  let named: ChildProcess | undefined;
  let namedLog = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-tsig-bind-"));
    port = await freePort();
    await writeFile(join(dir, "named.conf"), namedConf(dir, port));
    await writeFile(join(dir, `${zone}.db`), zoneFile());
    // -g: foreground, log to stderr, no user switch needed (as root it stays root; otherwise our user).
    named = spawn("/usr/sbin/named", ["-g", "-c", join(dir, "named.conf")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    named.stderr?.on("data", (chunk: Buffer) => {
      namedLog += chunk.toString();
    });
    try {
      await waitForSoa(port, Date.now() + 10_000, named);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${namedLog}`);
    }
  });

  after(async () => {
    if (named !== undefined && named.exitCode === null) {
      const exited = new Promise((resolve) => named?.once("exit", resolve));
      named.kill("SIGTERM");
      await exited;
    }
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("sends an AXFR in 3 or more messages, each verifying, chained from the request MAC", async (t) => {
    const request = signMessage(query(zone, "AXFR"), key);
    const replies = await tcpExchange(port, request.message);
    assert.ok(replies.length >= 3, `only ${replies.length} messages`);
    let previousMac: Buffer | undefined;
    let records = 0;
    for (const [index, reply] of replies.entries()) {
      const options = index === 0 ? { keys, requestMac: request.mac } : { keys, previousMac };
      const result = verifyMessage(reply, options);
      assert.equal(
        result.status,
        "valid",
        `message ${index + 1} of ${replies.length}: ${JSON.stringify(result)}`,
      );
      if (result.status === "valid") previousMac = result.mac;
      records += dnsPacket.decode(reply).answers?.length ?? 0;
    }
    assert.equal(records, 2 * entries + 3, "SOA, NS, every entry, SOA");
    t.diagnostic(`BIND AXFR: ${replies.length} messages, ${records} records, every message verified`);
  });

  it("refuses an AXFR signed with the wrong secret with NOTAUTH and an unsigned BADSIG record", async () => {
    const request = signMessage(query(zone, "AXFR"), wrongKey);
    const replies = await tcpExchange(port, request.message);
    assert.equal(replies.length, 1);
    const reply = replies[0]!;
    assert.equal(rcodeOf(reply), rcodeNotAuth);
    const record = readTsig(reply);
    assert.equal(record?.error, 16);
    assert.equal(record?.keyName, "xfer-key");
    assert.equal(record?.mac.length, 0);
    const result = verifyMessage(reply, { keys, requestMac: request.mac });
    assert.deepEqual([result.status, "peerError" in result && result.peerError], ["invalid", 16]);
  });

  it("refuses an unknown key with NOTAUTH and BADKEY", async () => {
    const stranger: TsigKey = { ...key, name: "stranger-key" };
    const replies = await tcpExchange(port, signMessage(query(zone, "AXFR"), stranger).message);
    assert.equal(rcodeOf(replies[0]!), rcodeNotAuth);
    assert.equal(readTsig(replies[0]!)?.error, 17);
  });

  it("answers a request signed an hour ago with BADTIME, signed, its clock in Other Data", async () => {
    const requestTime = Math.floor(Date.now() / 1000) - 3600;
    const request = signMessage(query(zone, "SOA"), key, { time: requestTime });
    const reply = await udpExchange(port, request.message, 2000);
    assert.ok(reply !== undefined, "no answer from named");
    assert.equal(rcodeOf(reply), rcodeNotAuth);
    const record = readTsig(reply);
    assert.equal(record?.error, 18);
    assert.equal(record?.time, requestTime);
    assert.ok(Math.abs((record?.otherData.readUIntBE(0, 6) ?? 0) - (requestTime + 3600)) < 30);
    const result = verifyMessage(reply, { keys, requestMac: request.mac, now: requestTime });
    assert.deepEqual([result.status, "peerError" in result && result.peerError], ["valid", 18]);
  });
});

/** A one-name UDP responder: verifies queries with verifyMessage, signs answers with signMessage. */
function startResponder(clockSkew: number): Promise<{ socket: Socket; port: number; seen: VerifyResult[] }> {
  const socket = createSocket("udp4");
  const seen: VerifyResult[] = [];
  socket.on("message", (message, peer) => {
    const now = Math.floor(Date.now() / 1000) + clockSkew;
    const result = verifyMessage(message, { keys, now });
    seen.push(result);
    const reply = replyTo(message, result, now);
    if (reply !== undefined) socket.send(reply, peer.port, peer.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, "127.0.0.1", () => resolve({ socket, port: socket.address().port, seen }));
  });
}

function replyTo(message: Buffer, result: VerifyResult, now: number): Buffer | undefined {
  if (result.status === "invalid") return tsigErrorResponse(message, result, { now });
  const request = dnsPacket.decode(message);
  const question = request.questions?.[0];
  if (result.status === "unsigned" || question === undefined) {
    return dnsPacket.encode({ type: "response", id: request.id, flags: 5, questions: request.questions });
  }
  const answer = dnsPacket.encode({
    type: "response",
    id: request.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [question],
    answers: [{ type: "TXT", name: question.name, ttl: 60, data: "signed by decree" }],
  });
  return signMessage(answer, result.key, { requestMac: result.mac, time: now }).message;
}

async function dig(port: number, digKey: TsigKey): Promise<string> {
  const yes = `hmac-sha256:${digKey.name}:${digKey.secret.toString("base64")}`;
  const args = ["-y", yes, "@127.0.0.1", "-p", String(port)];
  const options = ["+tries=1", "+time=3"];
  try {
    const { stdout, stderr } = await run("/usr/bin/dig", [...args, `probe.${zone}`, "TXT", ...options]);
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
  }
}

describe("TSIG with dig as the client of a responder signing with decree's code", () => {
  const verifyFailures = /Couldn't verify signature|tsig verify failure|expected a TSIG/i;

  async function digAgainst(
    clockSkew: number,
    digKey: TsigKey,
  ): Promise<{ output: string; seen: VerifyResult[] }> {
    const responder = await startResponder(clockSkew);
    try {
      return { output: await dig(responder.port, digKey), seen: responder.seen };
    } finally {
      responder.socket.close();
    }
  }

  it("gives dig an answer whose signature it verifies and shows", async () => {
    const { output, seen } = await digAgainst(0, key);
    assert.equal(seen[0]?.status, "valid", JSON.stringify(seen));
    assert.doesNotMatch(output, verifyFailures, output);
    assert.match(output, /status: NOERROR/, output);
    assert.match(output, /"signed by decree"/, output);
    assert.match(
      output,
      /;; TSIG PSEUDOSECTION:\nxfer-key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 32 /,
      output,
    );
    assert.doesNotMatch(output, /Some TSIG could not be validated/, output);
  });

  it("makes dig complain when its secret is wrong, answering NOTAUTH with an unsigned BADSIG", async () => {
    const { output, seen } = await digAgainst(0, wrongKey);
    assert.equal(seen[0]?.status === "invalid" && seen[0].error, "BADSIG");
    assert.match(output, /Couldn't verify signature: tsig indicates error/, output);
    assert.match(output, /status: NOTAUTH/, output);
    assert.match(output, /TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADSIG 0/, output);
    assert.doesNotMatch(output, /"signed by decree"/, output);
  });

  it("makes dig complain when its key is unknown, answering NOTAUTH with an unsigned BADKEY", async () => {
    const { output, seen } = await digAgainst(0, { ...key, name: "stranger-key" });
    assert.equal(seen[0]?.status === "invalid" && seen[0].error, "BADKEY");
    assert.match(output, /Couldn't verify signature: tsig indicates error/, output);
    assert.match(output, /stranger-key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\. \d+ 300 0 \d+ BADKEY 0/, output);
  });

  it("gives dig a BADTIME answer whose MAC it verifies when the clocks are an hour apart", async () => {
    const { output, seen } = await digAgainst(3600, key);
    assert.equal(seen[0]?.status === "invalid" && seen[0].error, "BADTIME");
    // dig checks the MAC first and reports the clocks only when it matched ("tsig verify failure" otherwise).
    assert.match(output, /Couldn't verify signature: clocks are unsynchronized/, output);
    assert.doesNotMatch(output, /tsig verify failure/, output);
    assert.match(output, /status: NOTAUTH/, output);
    assert.match(output, /TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ BADTIME 6 \S+/, output);
  });
});
