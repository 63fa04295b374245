/** What peer-names.ts needs to know of an operator: its name, the addresses it transfers from, its secondaries. */
export interface PeerOperator {
  name: string;
  allow: readonly string[];
  notify: ReadonlyArray<{ host: string; port: number }>;
}

/** Distinct addresses that get a label value of their own; past this, "other" (logs keep every address). */
const maxAddressLabels = 64;
const cacheMs = 1000;

/**
 * Names the peer of a transfer or a NOTIFY for labels and logs: the operator when it is known (by its TSIG key,
 * the address rule it transfers under, its NOTIFY target), else the address. Addresses are bounded: a scanner
 * of the DNS port must not grow the series without end.
 */
export class PeerNames {
  private operators: PeerOperator[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;
  private readonly addresses = new Set<string>();

  constructor(private readonly list: () => Promise<readonly PeerOperator[]>) {}

  /** `by` is the transfer grant's "key <operator>" or "address <rule>", or the bare address when refused. */
  async ofTransfer(remote: string, by: string | undefined): Promise<{ peer: string; operator?: string }> {
    if (by?.startsWith("key ")) return { peer: by.slice(4), operator: by.slice(4) };
    const rule = by?.startsWith("address ") ? by.slice(8) : undefined;
    const operators = await this.current();
    const operator =
      operators.find((o) => rule !== undefined && o.allow.includes(rule)) ??
      operators.find((o) => o.allow.includes(unmapped(remote)));
    return operator ? { peer: operator.name, operator: operator.name } : { peer: this.address(remote) };
  }

  async ofSecondary(target: { host: string; port: number }): Promise<string | undefined> {
    const operators = await this.current();
    return operators.find((o) => o.notify.some((n) => n.host === target.host && n.port === target.port))
      ?.name;
  }

  /** The address as a label value, or "other" once enough distinct ones have been seen. */
  address(remote: string): string {
    const address = unmapped(remote) || "unknown";
    if (this.addresses.has(address)) return address;
    if (this.addresses.size >= maxAddressLabels) return "other";
    this.addresses.add(address);
    return address;
  }

  private async current(): Promise<readonly PeerOperator[]> {
    if (Date.now() - this.loadedAt > cacheMs) {
      this.loading ??= this.list()
        .then((operators) => {
          this.operators = [...operators];
          this.loadedAt = Date.now();
        })
        .catch(() => {})
        .finally(() => {
          this.loading = undefined;
        });
      await this.loading;
    }
    return this.operators;
  }
}

/** A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
function unmapped(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
