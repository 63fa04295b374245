/** A question that got no usable answer: a timeout, a refused connection, a TLS or HTTP failure. */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: "timeout" | "network" | "tls" | "http",
    message: string,
  ) {
    super(message);
    this.name = "ProbeFailure";
  }
}
