#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: PostgreSQL (a throwaway cluster when no server
# answers), and the DNS software publication is tested against (Unbound and BIND 9 as RPZ secondaries, dig;
# dnsmasq and nft check the dnsmasq and nftables feeds; Chromium runs the web UI's end-to-end tests, headless).
# dnsperf is the peer bench/probes.ts measures the probe engine against. openssl makes the mirror farm's
# self-signed certificates (test/support/mirror-farm.ts). PowerDNS Recursor, Knot Resolver (with lua-cqueues, which
# its RPZ file watchdog needs), NSD and Knot DNS (with kdig) run decree's printed resolver configurations
# (test/resolver-configs/); NSD is also the TSIG
# secondary that checks signed NOTIFY. prometheus brings promtool, which checks /metrics and tests the alert rules of
# docs/prometheus-alerts.yml. bird2 (BIRD 2) is decree's BGP daemon and the operator's router in the route feed's tests
# (test/bgp-route-feed.test.ts) and bench/bgp.ts.
# Installs only what is missing, so a second run costs a second.
set -euo pipefail

packages=(postgresql unbound bind9 bind9-dnsutils dnsmasq-base nftables chromium dnsperf openssl curl
  pdns-recursor knot-resolver lua-cqueues nsd knot knot-dnsutils prometheus bird2)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-packages: missing ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packaged services are not started: the tests start their own instances on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
