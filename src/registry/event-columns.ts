/** The columns of an event as every reader of the events table takes them, prefixed for joins. */
export const eventColumns = [
  "events.id",
  "events.at",
  "events.actor",
  "events.subject_type",
  "events.subject_id",
  "events.action",
  "events.from_state",
  "events.to_state",
  "events.reason",
  "events.data",
] as const;
