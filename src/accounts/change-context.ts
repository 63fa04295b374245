/** What every account change needs besides its input: who the event log names, and the clock. */
export interface ChangeContext {
  actor: string;
  now: Date;
}
