// The zone's SOA serial, kept apart from the release number. Secondaries compare serials (RFC 1982) and ignore a
// primary whose serial went backwards until their copy expires, so the serial must only go up: across restarts,
// store resets, restored backups and moves between engines, which all bring the release number back down.

const space = 2 ** 32;
const half = 2 ** 31;

/** RFC 1982 §3.2: s1 < s2 in 32-bit serial number arithmetic; undefined (false) when they are 2^31 apart. */
export function serialLessThan(s1: number, s2: number): boolean {
  return s1 !== s2 && ((s1 < s2 && s2 - s1 < half) || (s1 > s2 && s1 - s2 > half));
}

/** RFC 1982 §3.1: s + n modulo 2^32, for 0 ≤ n ≤ 2^31 - 1. */
export function serialAdd(serial: number, n: number): number {
  if (n < 0 || n > half - 1) throw new RangeError(`serial addition of ${n} is undefined (RFC 1982 §3.1)`);
  return (serial + n) % space;
}

/** Unix seconds modulo 2^32: a serial every instance and every fresh store agree on. */
export function clockSerial(now: Date): number {
  return Math.floor(now.getTime() / 1000) % space;
}

/**
 * The serial of the next release: the clock's serial when it is ahead of every serial that must stay behind
 * (the previous release's, the last one served), else one past the greatest of them. A fresh or restored store
 * thus starts from the clock, which is ahead of anything served before unless releases outran the clock.
 */
export function nextSoaSerial(behind: Array<number | undefined>, now: Date): number {
  const known = behind.filter((serial): serial is number => serial !== undefined);
  const clock = clockSerial(now);
  if (known.length === 0) return clock;
  const greatest = known.reduce((a, b) => (serialLessThan(a, b) ? b : a));
  return serialLessThan(greatest, clock) ? clock : serialAdd(greatest, 1);
}
