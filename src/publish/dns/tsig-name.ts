// Domain names as TSIG needs them: read from a message (following compression pointers, RFC 1035 §4.1.4) and
// written in canonical wire form, uncompressed and lowercase (RFC 8945 §4.3.3, RFC 4034 §6.2).

const maxNameOctets = 255;
const maxLabelOctets = 63;
const pointerMask = 0xc0;
const maxPointerHops = 127;

export interface WireName {
  /** Canonical wire form: uncompressed, ASCII letters lowercased. */
  wire: Buffer;
  /** Presentation form, lowercase, without the trailing dot; "." is the root. */
  text: string;
  /** Offset just after the name where it was read (after the first pointer if it was compressed). */
  end: number;
}

/** Reads the name at `offset`, or undefined when it is malformed (never throws). */
export function readWireName(message: Buffer, offset: number): WireName | undefined {
  const labels: Buffer[] = [];
  let octets = 1;
  let position = offset;
  let end: number | undefined;
  for (let hops = 0; hops <= maxPointerHops; ) {
    const length = message[position];
    if (length === undefined) return undefined;
    if ((length & pointerMask) === pointerMask) {
      const low = message[position + 1];
      if (low === undefined) return undefined;
      const target = ((length & ~pointerMask) << 8) | low;
      // RFC 1035 §4.1.4: a pointer refers to a prior occurrence; forward pointers could loop.
      if (target >= position) return undefined;
      end ??= position + 2;
      position = target;
      hops += 1;
      continue;
    }
    if ((length & pointerMask) !== 0) return undefined; // extended label types (RFC 6891 §5) are not used
    if (length === 0) return finishName(labels, end ?? position + 1);
    if (position + 1 + length > message.length) return undefined;
    octets += 1 + length;
    if (octets > maxNameOctets) return undefined;
    labels.push(lowercase(message.subarray(position + 1, position + 1 + length)));
    position += 1 + length;
  }
  return undefined;
}

/** Skips the name at `offset` without decoding it; returns the offset after it, or undefined. */
export function skipWireName(message: Buffer, offset: number): number | undefined {
  let position = offset;
  for (;;) {
    const length = message[position];
    if (length === undefined) return undefined;
    if ((length & pointerMask) === pointerMask)
      return position + 2 <= message.length ? position + 2 : undefined;
    if ((length & pointerMask) !== 0) return undefined;
    if (length === 0) return position + 1;
    position += 1 + length;
  }
}

/** Canonical wire form of a presentation-form name ("xfer-key", "hmac-sha256."); throws when invalid. */
export function nameToWire(text: string): Buffer {
  const labels = splitLabels(text);
  const parts: Buffer[] = [];
  for (const label of labels) {
    if (label.length === 0 || label.length > maxLabelOctets) {
      throw new RangeError(`invalid DNS name "${text}": labels hold 1 to 63 octets (RFC 1035 §2.3.4)`);
    }
    parts.push(Buffer.from([label.length]), lowercase(label));
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  if (wire.length > maxNameOctets) {
    throw new RangeError(`invalid DNS name "${text}": longer than 255 octets (RFC 1035 §2.3.4)`);
  }
  return wire;
}

function finishName(labels: Buffer[], end: number): WireName {
  const wire = Buffer.concat([
    ...labels.flatMap((label) => [Buffer.from([label.length]), label]),
    Buffer.of(0),
  ]);
  const text = labels.length === 0 ? "." : labels.map(labelToText).join(".");
  return { wire, text, end };
}

function lowercase(label: Buffer): Buffer {
  return Buffer.from(label.map((octet) => (octet >= 0x41 && octet <= 0x5a ? octet + 0x20 : octet)));
}

// RFC 1035 §5.1 escapes, so that any label read from the wire has one unambiguous text form.
function labelToText(label: Buffer): string {
  let text = "";
  for (const octet of label) {
    if (octet === 0x2e || octet === 0x5c) text += `\\${String.fromCharCode(octet)}`;
    else if (octet > 0x20 && octet < 0x7f) text += String.fromCharCode(octet);
    else text += `\\${octet.toString().padStart(3, "0")}`;
  }
  return text;
}

function splitLabels(text: string): Buffer[] {
  if (text === "" || text === ".") return [];
  const labels: Buffer[] = [];
  let current: number[] = [];
  let endedWithDot = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char > 0x7e) throw new RangeError(`invalid DNS name "${text}": use the A-label form`);
    endedWithDot = char === 0x2e;
    if (char === 0x2e) {
      labels.push(Buffer.from(current));
      current = [];
    } else if (char === 0x5c) {
      index = readEscape(text, index, current);
    } else {
      current.push(char);
    }
  }
  // A trailing dot ends the name; any other empty label is an error caught by the caller.
  if (!endedWithDot) labels.push(Buffer.from(current));
  return labels;
}

function readEscape(text: string, index: number, into: number[]): number {
  const digits = text.slice(index + 1, index + 4);
  if (/^[0-9]{3}$/.test(digits)) {
    const value = Number(digits);
    if (value > 255) throw new RangeError(`invalid DNS name "${text}": \\${digits} is not an octet`);
    into.push(value);
    return index + 3;
  }
  const next = text.charCodeAt(index + 1);
  if (Number.isNaN(next)) throw new RangeError(`invalid DNS name "${text}": it ends with a lone backslash`);
  into.push(next);
  return index + 1;
}
