/** One match of a calendar: its teams, its kick-off and how long it lasts. */
export interface Match {
  uid: string;
  summary: string;
  start: Date;
  minutes: number;
}

/** An iCalendar file (RFC 5545) as a league publishes its fixtures: CRLF lines, UTC times, one VEVENT each. */
export function matchCalendar(matches: Match[]): string {
  const stamp = (date: Date) =>
    `${date
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "")}`;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//decree tests//fixtures//EN",
    "CALSCALE:GREGORIAN",
  ];
  for (const match of matches) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${match.uid}`,
      `DTSTAMP:${stamp(new Date("2026-01-01T00:00:00Z"))}`,
      `DTSTART:${stamp(match.start)}`,
      `DTEND:${stamp(new Date(match.start.getTime() + match.minutes * 60_000))}`,
      `SUMMARY:${match.summary}`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.join("\r\n")}\r\n`;
}
