import { type Refusal, refuse } from "./name-check.ts";

const maxLabelOctets = 63;
const maxNameOctets = 253;

/** RFC 1035 §2.3.4: labels of at most 63 octets, names of at most 255 on the wire, so 253 as text. */
export function checkNameLengths(value: string, labels: readonly string[], display: string): Refusal | null {
  const long = labels.find((label) => label.length > maxLabelOctets);
  if (long !== undefined) {
    return refuse(
      "TARGET_LABEL_TOO_LONG",
      `The label "${long}" in ${display} is ${long.length} octets long; a DNS label holds at most 63 ` +
        "(RFC 1035 §2.3.4), so no such name can exist. Check the name for a copying mistake.",
      { name: display, label: long, octets: long.length },
    );
  }
  if (value.length > maxNameOctets) {
    return refuse(
      "TARGET_NAME_TOO_LONG",
      `${display} is ${value.length} octets long; a domain name holds at most 253 (RFC 1035 §2.3.4), ` +
        "so no such name can exist. Check the name for a copying mistake.",
      { name: display, octets: value.length },
    );
  }
  return null;
}
