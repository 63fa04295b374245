// A transfer's code run once before the primary answers anyone. Until V8 has compiled them, the functions that
// encode and sign a transfer run in its interpreter: the first secondary to ask after start-up (the one a
// start-up NOTIFY brings) would get its first messages at the interpreter's pace, some 10 ms for 16 KiB.
import { randomBytes } from "node:crypto";
import dnsPacket from "dns-packet";
import type { RpzPolicy } from "../rpz-policy.ts";
import { RRType } from "./rr-type.ts";
import type { ZoneView } from "./served-zone.ts";
import { axfrMessages, zoneQuestion } from "./transfer-messages.ts";
import { transferSigner } from "./transfer-signer.ts";
import { signMessage, type TsigKey, verifyMessage } from "./tsig.ts";

/** Enough messages for the encoder's loop to be compiled: about 10,000 records, a few tens of ms once. */
const warmUpMessages = 16;

/**
 * Verifies a signed AXFR request and encodes and signs the first messages of its answer from `view`, with a
 * key of its own that no secondary holds, and throws the messages away.
 */
export function warmUpTransfers(policy: RpzPolicy, view: ZoneView): void {
  const key: TsigKey = { name: "warm-up.invalid", algorithm: "hmac-sha256", secret: randomBytes(32) };
  const query = dnsPacket.encode({
    type: "query",
    id: 0,
    questions: [{ name: policy.zone, type: "AXFR", class: "IN" }],
  });
  const request = signMessage(query, key);
  const verified = verifyMessage(request.message, { keys: (name) => (name === key.name ? key : undefined) });
  if (verified.status !== "valid") return;
  dnsPacket.decode(request.message);
  const messages = axfrMessages(policy, view, zoneQuestion(policy, RRType.AXFR), {
    sign: transferSigner(verified.key, verified.mac),
  });
  let count = 0;
  for (const _ of messages) if (++count >= warmUpMessages) break;
}
