/**
 * Who runs the scheduler's jobs (the clock, approvals leaving their cancel window, deadlines, webhooks): one
 * process at a time, however many API instances share the store.
 */
export interface Leadership {
  /**
   * Becomes the leader if no one is; true when this process leads (asked again while leading: still leads?).
   */
  lead(): Promise<boolean>;
  /** Gives the lead up, so that another instance takes over at once. */
  release(): Promise<void>;
}

/**
 * SQLite: the store is a file that one `decree serve` owns (the CLI does not run jobs), so that process
 * leads.
 */
export function soleLeadership(): Leadership {
  return { lead: async () => true, release: async () => {} };
}
