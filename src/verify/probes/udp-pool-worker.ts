// One of the prober's UDP threads: it owns sockets of its own and does a question's whole datagram work (ID,
// query, send, match, expiry), which in Node costs more than everything else a probe does; the prober's thread
// only packs questions and reads answers, in batches.
import { parentPort, workerData } from "node:worker_threads";
import { UdpLanes } from "./udp-lanes.ts";
import { type FromUdpThread, OutcomePacker, readQuestions, type ToUdpThread } from "./udp-thread-messages.ts";

const port = parentPort!;
const outcomes = new OutcomePacker();
let flushing = false;

// Outcomes of one turn of the event loop go back together: the answers read in the poll phase are sent in the
// check phase that follows.
function flush(): void {
  flushing = false;
  if (outcomes.length === 0) return;
  const message: FromUdpThread = { outcomes: outcomes.take() };
  port.postMessage(message, [message.outcomes.buffer as ArrayBuffer]);
}

const lanes = new UdpLanes(
  (workerData as { socketsPerResolver: number }).socketsPerResolver,
  (token, outcome) => {
    outcomes.add(token, outcome);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  },
);
const endpoints = new Map<number, { host: string; port: number }>();

port.on("message", (message: ToUdpThread) => {
  for (const [index, host, endpointPort] of message.endpoints ?? [])
    endpoints.set(index, { host, port: endpointPort });
  if (message.questions) {
    readQuestions(message.questions, (token, endpoint, timeoutMs, question) => {
      const target = endpoints.get(endpoint);
      if (!target) outcomes.add(token, { kind: "network", message: "unknown resolver" });
      else lanes.ask(token, target.host, target.port, question, timeoutMs);
    });
    if (!flushing && outcomes.length > 0) {
      flushing = true;
      setImmediate(flush);
    }
  }
  if (message.close) {
    lanes.close();
    flush();
    port.close();
  }
});
