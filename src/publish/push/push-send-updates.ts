// Sending UPDATE messages (RFC 2136) to the external primary, each signed with TSIG (RFC 8945 §5.1) and each
// answer verified before the next goes: a refused message stops the push, so nothing after it is applied.
import { randomInt } from "node:crypto";
import { signMessage, verifyMessage } from "../dns/tsig.ts";
import { pushAnswerError } from "./push-answer-error.ts";
import type { PushConnection } from "./push-connection.ts";
import { keysOf, type ServerContext } from "./push-server-zone.ts";
import { pushUpdateMessages, type ZoneChanges } from "./push-update-messages.ts";

/** Applies `changes` in as many messages as their size needs; returns how many were sent. */
export async function sendUpdates(
  connection: PushConnection,
  context: ServerContext,
  changes: ZoneChanges,
  maxOctets: number,
): Promise<number> {
  const messages = pushUpdateMessages(context.zone, changes, {
    maxOctets,
    nextId: () => randomInt(0, 0x10000),
  });
  const keys = keysOf(context.key);
  for (const [index, message] of messages.entries()) {
    const request = signMessage(message, context.key);
    const reply = await connection.exchange(request.message);
    const verified = verifyMessage(reply, { keys, requestMac: request.mac });
    const what = messages.length === 1 ? "the UPDATE" : `UPDATE ${index + 1} of ${messages.length}`;
    const problem = pushAnswerError(reply, verified, { ...context, what });
    if (problem) throw problem;
  }
  return messages.length;
}
