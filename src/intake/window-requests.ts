import type { CalendarInput, WindowInput } from "./order-input.ts";
import { parseIcalWindows } from "./parse-ical-windows.ts";
import { parseWindowMargin } from "./window-margin.ts";
import type { WindowRequest } from "./window-request.ts";

/** The windows an order file, a request or a command asks for: typed intervals, then a calendar's events. */
export function windowRequests(
  input: { windows?: WindowInput[] | undefined; calendar?: CalendarInput | undefined },
  options: { until: Date; source: string },
): WindowRequest[] {
  const typed: WindowRequest[] = (input.windows ?? []).map((window) => ({
    startsAt: window.from,
    endsAt: window.until,
    ...(window.label ? { label: window.label } : {}),
    source: "explicit",
  }));
  if (!input.calendar) return typed;
  const { ics, marginBefore, marginAfter } = input.calendar;
  return [
    ...typed,
    ...parseIcalWindows(ics, {
      marginBeforeSeconds: marginBefore ? parseWindowMargin(marginBefore, "marginBefore") : 0,
      marginAfterSeconds: marginAfter ? parseWindowMargin(marginAfter, "marginAfter") : 0,
      until: options.until,
      source: options.source,
    }),
  ];
}
