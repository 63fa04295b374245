/** One blocking window as it is asked for, before it is checked against the order and stored. */
export interface WindowRequest {
  /** The window as enforced, margins included (ISO 8601 UTC). */
  startsAt: string;
  endsAt: string;
  /** The event itself, for a window made from a calendar: what the portal shows as the match. */
  eventStartsAt?: string;
  eventEndsAt?: string;
  marginBeforeSeconds?: number;
  marginAfterSeconds?: number;
  label?: string;
  source: "explicit" | "icalendar";
  /** The calendar event's UID (RFC 5545 §3.8.4.7), with its recurrence instant when it repeats. */
  calendarUid?: string;
}
