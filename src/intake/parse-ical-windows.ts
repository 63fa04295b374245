import ICAL from "ical.js";
import { DecreeError } from "../errors/decree-error.ts";
import type { WindowRequest } from "./window-request.ts";

export interface IcalWindowOptions {
  /** Seconds before each event's start that the window opens (e.g. the pre-match build-up). */
  marginBeforeSeconds: number;
  /** Seconds after each event's end that the window stays open. */
  marginAfterSeconds: number;
  /** Occurrences of repeating events are taken up to here (the order's end); later ones could never apply. */
  until: Date;
  /** Where the text came from, for messages. */
  source: string;
}

/** A calendar of a season's matches has a few hundred events; more is a mistake or an attack. */
const maxEvents = 2000;

type IcalTime = InstanceType<typeof ICAL.Time>;

/**
 * The events of an iCalendar file (RFC 5545) as blocking windows, each widened by the margins. A repeating
 * event (RRULE, §3.8.5.3) gives one window per occurrence up to `until`. A time must be in UTC or carry a time
 * zone (§3.3.5 forms 2 and 3): a floating time means "wherever the reader is", which no court order can mean,
 * so it is refused rather than guessed. A TZID the file does not define (a VTIMEZONE is required by §3.2.19 but
 * often left out) is read as the IANA zone of that name.
 */
export function parseIcalWindows(text: string, options: IcalWindowOptions): WindowRequest[] {
  const events = parseEvents(text, options.source);
  if (events.length === 0) {
    throw invalid(options.source, "it holds no event (VEVENT); export the calendar of the matches itself");
  }
  const windows: WindowRequest[] = [];
  for (const component of events) {
    let event: InstanceType<typeof ICAL.Event>;
    try {
      event = new ICAL.Event(component);
    } catch (error) {
      throw invalid(options.source, `an event cannot be read: ${(error as Error).message}`);
    }
    const uid = event.uid || undefined;
    const label = event.summary?.trim() || undefined;
    const where = `the event ${label ? `"${label}"` : (uid ?? "without UID")}`;
    if (!event.startDate) throw invalid(options.source, `${where} has no start (DTSTART)`);
    const tzid = zoneParameter(component.getFirstProperty("dtstart"));
    const context = { label, where, tzid };
    if (!event.isRecurring()) {
      windows.push(windowOf(event.startDate, event.endDate, { ...context, uid }, options));
    } else {
      const iterator = event.iterator();
      for (let next = iterator.next(); next; next = iterator.next()) {
        const details = event.getOccurrenceDetails(next);
        const start = instant(details.startDate, tzid, where, options.source);
        if (start.getTime() >= options.until.getTime()) break;
        const occurrenceUid = uid && `${uid}@${start.toISOString()}`;
        windows.push(
          windowOf(details.startDate, details.endDate, { ...context, uid: occurrenceUid }, options),
        );
        if (windows.length > maxEvents) break;
      }
    }
    if (windows.length > maxEvents) {
      throw invalid(options.source, `it gives more than ${maxEvents} events; split it by season`);
    }
  }
  return windows.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The events of every calendar in the file: a file may hold several (the parser then returns a list). */
function parseEvents(text: string, source: string): Array<InstanceType<typeof ICAL.Component>> {
  if (!/^\s*BEGIN:VCALENDAR/i.test(text)) {
    throw invalid(source, "it does not start with BEGIN:VCALENDAR");
  }
  let parsed: unknown[];
  try {
    parsed = ICAL.parse(text) as unknown[];
  } catch (error) {
    throw invalid(source, (error as Error).message);
  }
  const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]) as Array<
    ConstructorParameters<typeof ICAL.Component>[0]
  >;
  return roots.flatMap((root) => {
    const calendar = new ICAL.Component(root);
    if (calendar.name !== "vcalendar") throw invalid(source, `its root is ${calendar.name}, not VCALENDAR`);
    return calendar.getAllSubcomponents("vevent");
  });
}

function zoneParameter(property: { getParameter(name: string): unknown } | null): string | undefined {
  const tzid = property?.getParameter("tzid");
  return typeof tzid === "string" && tzid !== "" ? tzid : undefined;
}

function windowOf(
  start: IcalTime,
  end: IcalTime | undefined,
  event: { uid: string | undefined; label: string | undefined; where: string; tzid: string | undefined },
  options: IcalWindowOptions,
): WindowRequest {
  const eventStart = instant(start, event.tzid, event.where, options.source);
  // The end as the event's length after its start (DTEND - DTSTART, or DURATION): the same wall clock
  // difference whether or not the file defines the zone (RFC 5545 §3.8.2.2, §3.8.2.5).
  const length = end ? end.subtractDateTz(start).toSeconds() : 0;
  const eventEnd = new Date(eventStart.getTime() + length * 1000);
  return {
    startsAt: new Date(eventStart.getTime() - options.marginBeforeSeconds * 1000).toISOString(),
    endsAt: new Date(eventEnd.getTime() + options.marginAfterSeconds * 1000).toISOString(),
    eventStartsAt: eventStart.toISOString(),
    eventEndsAt: eventEnd.toISOString(),
    marginBeforeSeconds: options.marginBeforeSeconds,
    marginAfterSeconds: options.marginAfterSeconds,
    ...(event.label ? { label: event.label } : {}),
    ...(event.uid ? { calendarUid: event.uid } : {}),
    source: "icalendar",
  };
}

/** The instant a calendar time names: UTC, a zone the file defines, or an IANA zone it only names. */
function instant(time: IcalTime, named: string | undefined, where: string, source: string): Date {
  // An all-day event (VALUE=DATE) covers the day in UTC: the order's own dates are UTC days too.
  if (time.isDate) return new Date(Date.UTC(time.year, time.month - 1, time.day));
  const tzid = time.zone?.tzid;
  if (tzid === "UTC" || (tzid !== "floating" && tzid !== undefined)) return time.toJSDate();
  if (!named) {
    throw invalid(
      source,
      `${where} starts or ends at a floating local time (${time.toString()}); give it in UTC (…Z) or with a TZID`,
    );
  }
  return fromZone(time, named, where, source);
}

/** Wall-clock time in an IANA zone to an instant, by the zone's offset at that time (two steps cover DST). */
function fromZone(time: IcalTime, zone: string, where: string, source: string): Date {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw invalid(
      source,
      `${where} names the time zone "${zone}", which the file does not define (VTIMEZONE)`,
    );
  }
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  const offsetAt = (at: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    const local = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return local - at;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

function invalid(source: string, why: string): DecreeError {
  return new DecreeError("ICAL_INVALID", `${source} is not a usable iCalendar file (RFC 5545): ${why}.`, {
    source,
  });
}
