import assert from "node:assert/strict";
import { test } from "node:test";
import { type NameCheck, normalizeTarget } from "./normalize-target.ts";
import type { TargetKind } from "./target-kind.ts";

function refusal(input: string, kind?: TargetKind): { code: string; message: string } {
  const result: NameCheck = normalizeTarget(input, kind);
  assert.ok(!result.ok, `${input} was accepted`);
  return result;
}

function warnings(input: string): string[] {
  const result = normalizeTarget(input);
  assert.ok(result.ok, `${input} was refused`);
  return result.warnings.map((warning) => warning.message);
}

test("explains that underscore labels are service labels", () => {
  const { message } = refusal("_dmarc.dpstream.tv");
  assert.match(message, /service labels such as _dmarc/);
  assert.match(message, /RFC 952, RFC 1123/);
});

test("suggests the decimal reading of an address with a leading zero", () => {
  const { message } = refusal("010.1.1.1");
  assert.match(message, /octal/);
  assert.match(message, /10\.1\.1\.1/);
});

test("suggests the network form of a prefix with host bits", () => {
  assert.match(refusal("188.114.97.7/24").message, /188\.114\.97\.0\/24/);
});

test("names the ICANN section for an ICANN public suffix", () => {
  const { message } = refusal("co.uk");
  assert.match(message, /ICANN section/);
  assert.match(message, /site\.co\.uk/);
});

test("names the private section for a private public suffix", () => {
  const { message } = refusal("github.io");
  assert.match(message, /private section/);
  assert.match(message, /site\.github\.io/);
});

test("names the special-use name a name lies under and its RFC", () => {
  assert.match(refusal("router.home.arpa").message, /under home\.arpa.*RFC 8375/);
});

test("names a special range, its registry name and RFC", () => {
  assert.match(
    refusal("192.0.2.0/24").message,
    /^192\.0\.2\.0\/24 is TEST-NET-1, reserved for documentation \(RFC 5737\); /,
  );
});

test("names the most specific special range an address lies in", () => {
  assert.match(refusal("2001:0:4136:e378:8000:63bf:3fff:fdd2").message, /2001::\/32, TEREDO/);
  assert.match(refusal("2001:4::1").message, /2001::\/23, IETF Protocol Assignments/);
});

test("tells a private range to give the public address", () => {
  assert.match(refusal("10.1.2.3").message, /10\.0\.0\.0\/8, Private-Use.*RFC 1918.*public address/);
});

test("suggests --kind domain for a wildcard under the fqdn kind", () => {
  assert.match(refusal("*.dpstream.tv", "fqdn").message, /--kind domain/);
});

test("suggests --kind cidr for a prefix under the ip kind", () => {
  assert.match(refusal("188.114.97.0/24", "ip").message, /--kind cidr/);
});

test("suggests a prefix length or --kind ip for an address under the cidr kind", () => {
  assert.match(refusal("188.114.97.7", "cidr").message, /prefix length.*--kind ip/);
});

test("suggests --kind ip for an address under the fqdn kind", () => {
  assert.match(refusal("188.114.97.7", "fqdn").message, /--kind ip/);
});

test("tells how to remove credentials from a URL", () => {
  assert.match(refusal("https://user:secret@dpstream.tv/").message, /user:password@/);
});

test("suggests adding https:// to a name with a path", () => {
  assert.match(refusal("dpstream.tv/film").message, /https:\/\/ or http:\/\//);
});

test("explains a Bidi rule violation", () => {
  assert.match(refusal("1ב.com").message, /RFC 5893/);
});

test("explains a misplaced joiner", () => {
  assert.match(refusal("a\u200db.com").message, /RFC 5892/);
});

test("explains invalid Punycode", () => {
  assert.match(refusal("xn--zz.com").message, /xn--zz.*RFC 3492/);
});

test("names a disallowed code point", () => {
  assert.match(refusal("a\u2024b.com").message, /U\+2024/);
});

test("gives the octet count of a label that is too long", () => {
  assert.match(refusal(`${"a".repeat(64)}.tv`).message, /64 octets.*at most 63/);
});

test("gives the octet count of a name that is too long", () => {
  const name = `${"a".repeat(63)}.${"a".repeat(63)}.${"a".repeat(63)}.${"b".repeat(59)}.tv`;
  assert.match(refusal(name).message, /254 octets.*at most 253/);
});

test("names the scripts a mixed-script label mixes", () => {
  assert.match(warnings("pаypal.com").join(" "), /"pаypal" mixes Latin and Cyrillic letters/);
});

test("says which IPv4 address an IPv4-mapped address was recorded as", () => {
  assert.match(warnings("::ffff:188.114.97.7").join(" "), /recorded as the IPv4 address 188\.114\.97\.7/);
});

test("refuses an unknown kind without a kind", () => {
  const result = normalizeTarget("dpstream.tv", "host" as TargetKind);
  assert.deepEqual(
    { ok: result.ok, kind: result.kind, code: result.ok ? null : result.code },
    { ok: false, kind: null, code: "TARGET_UNKNOWN_KIND" },
  );
});

test("returns fresh warning arrays that callers may change", () => {
  const first = normalizeTarget("dpstream.tv");
  assert.ok(first.ok);
  first.warnings.push({ code: "X", message: "x" });
  const second = normalizeTarget("dpstream.tv");
  assert.ok(second.ok);
  assert.deepEqual(second.warnings, []);
});
