import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A tiny webhook receiver: a real HTTP server on loopback that records every request and answers with the
 * next status of `statuses` (then 200 for ever), so that tests can make deliveries fail and succeed.
 */
export async function startWebhookReceiver(statuses: number[] = []) {
  const received: ReceivedRequest[] = [];
  const answers = [...statuses];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/decree`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
