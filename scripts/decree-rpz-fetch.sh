#!/bin/sh
# decree-rpz-fetch: keeps a local copy of decree's RPZ zone for resolvers that read RPZ from a file (Knot
# Resolver). Each fetch goes to a temporary file next to the target; the file replaces the old one (an atomic
# rename, which the resolver's watchdog sees) only when the registry's Ed25519 signature over its exact bytes
# (RFC 8032; the feed's Decree-Signature header) verifies against the pinned key and it is a whole zone (SOA
# first, complete last line). Anything else leaves the old file in place and says why on stderr.
# Needs curl and OpenSSL 3 (pkeyutl -rawin). Conditional requests (If-None-Match, RFC 9110 §13.1.2) make an
# unchanged feed cost one 304.
#
#   decree-rpz-fetch.sh --url URL --key BASE64 --out FILE [--every SECONDS]
#
# --key is the raw 32-byte public key in base64, as `decree keys` shows it. With --every it runs forever,
# fetching every SECONDS; without, it fetches once and exits non-zero on failure.
set -eu

url= key= out= every=
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    *) echo "decree-rpz-fetch: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$url" ] || [ -z "$key" ] || [ -z "$out" ]; then
  echo "usage: decree-rpz-fetch.sh --url URL --key BASE64 --out FILE [--every SECONDS]" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# An Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) is a fixed 12-byte DER prefix and the raw key.
{ printf '\060\052\060\005\006\003\053\145\160\003\041\000'; printf %s "$key" | openssl base64 -d -A; } \
  | openssl pkey -pubin -inform DER -out "$work/key.pem" 2>"$work/err" || {
  echo "decree-rpz-fetch: --key is not an Ed25519 public key in base64: $(cat "$work/err")" >&2
  exit 2
}
etag=

fetch_once() {
  tmp=$(mktemp "$out.XXXXXX")
  code=$(curl -sS --max-time 60 -D "$work/headers" -o "$tmp" -w '%{http_code}' \
    ${etag:+-H "If-None-Match: $etag"} "$url") || { rm -f "$tmp"; echo "decree-rpz-fetch: $url unreachable" >&2; return 1; }
  if [ "$code" = 304 ]; then rm -f "$tmp"; return 0; fi
  if [ "$code" != 200 ]; then rm -f "$tmp"; echo "decree-rpz-fetch: $url answered $code" >&2; return 1; fi
  signature=$(tr -d '\r' < "$work/headers" | awk 'tolower($1) == "decree-signature:" && $2 == "ed25519" { print $4 }')
  if [ -z "$signature" ]; then rm -f "$tmp"; echo "decree-rpz-fetch: no Ed25519 signature on the feed" >&2; return 1; fi
  printf %s "$signature" | openssl base64 -d -A > "$work/signature"
  if ! openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in "$tmp" -sigfile "$work/signature" >/dev/null 2>&1; then
    rm -f "$tmp"; echo "decree-rpz-fetch: the signature does not verify: old file kept" >&2; return 1
  fi
  # A signed feed is whole by construction; this guards the file against a truncated write on this side.
  if ! grep -v '^[;$]' "$tmp" | grep -m 1 -q ' SOA ' || [ -n "$(tail -c 1 "$tmp")" ]; then
    rm -f "$tmp"; echo "decree-rpz-fetch: not a whole zone: old file kept" >&2; return 1
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$out"
  etag=$(tr -d '\r' < "$work/headers" | awk 'tolower($1) == "etag:" { print $2 }')
}

if [ -z "$every" ]; then fetch_once; exit $?; fi
while :; do
  fetch_once || true
  sleep "$every"
done
