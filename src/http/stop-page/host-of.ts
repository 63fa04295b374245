/** Longer than any DNS name (253 octets) in any spelling a browser sends, with room for a port. */
const maxHostHeader = 1024;

/**
 * The host a request names, from its Host header (RFC 9110 §7.2: `uri-host [ ":" port ]`), without the port
 * and the brackets of an IPv6 literal (RFC 3986 §3.2.2). Undefined when there is none or it is too long to be
 * a name. The result is still untrusted text: the names module reads it, and the page escapes it.
 */
export function hostOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const host = header.trim();
  if (host === "" || host.length > maxHostHeader) return undefined;
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1] || undefined;
  // One colon is a port; several are an unbracketed IPv6 literal, which the names module reads as such.
  const colon = host.indexOf(":");
  if (colon !== -1 && colon === host.lastIndexOf(":")) return host.slice(0, colon) || undefined;
  return host;
}
