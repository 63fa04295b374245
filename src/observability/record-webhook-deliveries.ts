import { webhookDeliveries } from "./metrics.ts";

/** The attempts of one delivery run, by result. */
export function recordWebhookDeliveries(run: { delivered: number; retrying: number; failed: number }): void {
  if (run.delivered > 0) webhookDeliveries.inc({ result: "delivered" }, run.delivered);
  if (run.retrying > 0) webhookDeliveries.inc({ result: "retrying" }, run.retrying);
  if (run.failed > 0) webhookDeliveries.inc({ result: "failed" }, run.failed);
}
