import { z } from "zod";
import { dnsActions } from "../intake/order-input.ts";
import { enforcerKinds } from "../publish/enforcer-kind.ts";

/** An operator as the admin's routes show it: never a secret. */
export const operatorSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(enforcerKinds),
  tsig: z.object({ keyName: z.string(), algorithm: z.literal("hmac-sha256") }).nullable(),
  previousKey: z
    .object({ keyName: z.string(), validUntil: z.string() })
    .nullable()
    .describe("the key a re-key replaced, accepted until validUntil"),
  notify: z.array(z.object({ host: z.string(), port: z.number().int() })),
  allow: z.array(z.string()),
  action: z.enum(dnsActions).nullable(),
  canary: z.boolean().describe("gets staged releases first"),
  createdAt: z.string(),
});

/** An operator with its new TSIG secret, shown once (registration, re-key). */
export const keyedOperatorSchema = z.object({
  operator: operatorSchema,
  secret: z.string().nullable().describe("base64 HMAC-SHA256 secret, returned once"),
});

export const operatorParams = z.object({ name: z.string().min(1).max(63) }).strict();
