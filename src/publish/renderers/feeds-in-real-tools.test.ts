// The feeds against the software they are for (Debian's bind9, unbound, dnsmasq-base, nftables and bird2 packages,
// installed by scripts/install-system-packages.sh): each checker accepts its feed, and Unbound and dnsmasq,
// serving the feed on loopback in front of a local stand-in for the internet, block what the entries say and
// nothing more: an exact name without its subdomains, a domain with them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startDaemon, waitUntilServing } from "../../../test/support/daemon.ts";
import { dig } from "../../../test/support/dig.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { startUpstream, type Upstream, upstreamAddress } from "../../../test/support/upstream.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";
import { rendererFor } from "./index.ts";

const run = promisify(execFile);
const zone = "rpz.decree";
// The upstream answers every name under these with an address of its own in 203.0.113.0/24.
const upstreamDomains = ["com", "tv"];
const ipBlockedName = "ip-blocked.fifostream.tv";

const entries: FeedEntry[] = [
  { kind: "domain", value: "allostreaming.com", action: "nxdomain" },
  { kind: "fqdn", value: "www.allostreaming.com", action: "nodata" },
  { kind: "fqdn", value: "www.fifostream.tv", action: "nxdomain" },
  { kind: "domain", value: "alloshowtv.com", action: "stop-page", addresses: ["192.0.2.80", "2001:db8::80"] },
  { kind: "fqdn", value: "stream.allomovies.com", action: "stop-page", addresses: ["192.0.2.80"] },
  { kind: "domain", value: "dl.allomovies.com", action: "nodata" },
  { kind: "ip", value: upstreamAddress(ipBlockedName), action: "nxdomain" },
  { kind: "ip", value: "2001:db8::1", action: "nxdomain" },
  { kind: "cidr", value: "198.51.100.0/24", action: "nodata" },
  {
    kind: "cidr",
    value: "2606:2800:21f::/48",
    action: "stop-page",
    addresses: ["192.0.2.80", "2001:db8::80"],
  },
];

// Every feed names its release's log checkpoint in a comment: the tools must read past it.
const checkpoint = { size: 42, rootHash: "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" };

async function renderToFile(format: string, dir: string): Promise<string> {
  let text = "";
  const pages = (async function* () {
    yield entries;
  })();
  for await (const chunk of rendererFor(format).render(pages, { zone, serial: 7, checkpoint })) text += chunk;
  const file = join(dir, `${format}.feed`);
  await writeFile(file, text);
  return file;
}

async function answer(port: number, name: string, type = "A") {
  const out = await dig(port, [name, type]);
  return { status: out.statuses[0], data: out.records.filter((r) => r.type === type).map((r) => r.data) };
}

describe("feeds in the tools they are for", () => {
  let dir: string;
  let upstream: Upstream;
  const normal = (name: string) => ({ status: "NOERROR", data: [upstreamAddress(name)] });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-feed-tools-"));
    upstream = await startUpstream(upstreamDomains);
    // The names below are told apart by their upstream addresses: none may share the IP-blocked one.
    const checked = [
      "x.www.fifostream.tv",
      "fifostream.tv",
      "sub.stream.allomovies.com",
      "www.allomovies.com",
    ];
    for (const name of checked) assert.notEqual(upstreamAddress(name), upstreamAddress(ipBlockedName), name);
  });

  after(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("has named-checkzone load the rpz feed as zone rpz.decree", async () => {
    const { stdout } = await run("named-checkzone", [zone, await renderToFile("rpz", dir)]);
    assert.match(stdout, /loaded serial 7/);
  });

  it("has dnsmasq accept the dnsmasq feed", async () => {
    const { stdout, stderr } = await run("dnsmasq", [
      "--test",
      `--conf-file=${await renderToFile("dnsmasq", dir)}`,
    ]);
    assert.match(stdout + stderr, /syntax check OK/);
  });

  it("has nft accept the nftables feed, or says why this sandbox cannot ask the kernel", async (t) => {
    const file = await renderToFile("nftables", dir);
    try {
      await run("nft", ["-c", "-f", file]);
    } catch (error) {
      const message = String((error as { stderr?: string }).stderr ?? error);
      if (/Operation not permitted|netlink|Permission denied/i.test(message)) {
        t.skip(`nft -c needs netlink (CAP_NET_ADMIN), which this sandbox refuses: ${message.trim()}`);
        return;
      }
      throw error;
    }
    // And it does check: a malformed element is refused.
    await writeFile(
      join(dir, "bad.nft"),
      "table inet decree { set s { type ipv4_addr; elements = { 300.1.2.3 } } }\n",
    );
    await assert.rejects(run("nft", ["-c", "-f", join(dir, "bad.nft")]));
  });

  it("has BIRD 2 parse the bird feed, with its routes and communities, inside a configuration", async () => {
    const file = await renderToFile("bird", dir);
    const config = join(dir, "bird.conf");
    await writeFile(config, `router id 192.0.2.1;\ninclude "${file}";\n`);
    // -p: parse the configuration and exit, nothing started.
    await run("bird", ["-p", "-c", config]);
    await writeFile(
      join(dir, "bad-routes.conf"),
      "protocol static x { ipv4; route 300.1.2.3/32 blackhole; }\n",
    );
    await writeFile(config, `router id 192.0.2.1;\ninclude "${join(dir, "bad-routes.conf")}";\n`);
    await assert.rejects(run("bird", ["-p", "-c", config]));
  });

  describe("served by Unbound", () => {
    let port: number;
    let stop: () => Promise<void>;

    before(async () => {
      port = await freePort();
      const config = join(dir, "unbound.conf");
      await writeFile(
        config,
        [
          "server:",
          `  directory: "${dir}"`,
          '  pidfile: ""',
          '  username: ""',
          '  chroot: ""',
          "  interface: 127.0.0.1",
          `  port: ${port}`,
          "  do-ip6: no",
          "  use-syslog: no",
          '  logfile: ""',
          "  num-threads: 1",
          "  do-not-query-localhost: no",
          '  module-config: "respip validator iterator"',
          `include: "${await renderToFile("unbound", dir)}"`,
          ...upstreamDomains.flatMap((d) => [
            "stub-zone:",
            `  name: "${d}."`,
            `  stub-addr: 127.0.0.1@${upstream.port}`,
          ]),
          "",
        ].join("\n"),
      );
      const check = await run("unbound-checkconf", [config]);
      assert.match(check.stdout, /no errors/);
      const daemon = startDaemon("unbound", "unbound", ["-d", "-c", config], dir);
      stop = () => daemon.stop();
      await waitUntilServing(
        daemon,
        "Unbound to answer",
        async () => (await answer(port, "fifostream.tv")).status === "NOERROR",
      );
    });

    after(() => stop?.());

    it("answers NXDOMAIN for a blocked domain and every name below it", async () => {
      assert.deepEqual(await answer(port, "allostreaming.com"), { status: "NXDOMAIN", data: [] });
      assert.deepEqual(await answer(port, "player.allostreaming.com"), { status: "NXDOMAIN", data: [] });
    });

    it("blocks an exact name (no address, NODATA) and resolves its subdomains normally", async () => {
      assert.deepEqual(await answer(port, "www.fifostream.tv"), { status: "NOERROR", data: [] });
      assert.deepEqual(await answer(port, "x.www.fifostream.tv"), normal("x.www.fifostream.tv"));
      assert.deepEqual(await answer(port, "fifostream.tv"), normal("fifostream.tv"));
    });

    it("keeps the domain's block on an exact name under it, subdomains included", async () => {
      assert.equal((await answer(port, "www.allostreaming.com")).status, "NXDOMAIN");
      assert.equal((await answer(port, "a.www.allostreaming.com")).status, "NXDOMAIN");
    });

    it("answers the stop page for a stop-page domain and exact name, and nothing more", async () => {
      assert.deepEqual(await answer(port, "deep.alloshowtv.com", "AAAA"), {
        status: "NOERROR",
        data: ["2001:db8::80"],
      });
      assert.deepEqual(await answer(port, "stream.allomovies.com"), {
        status: "NOERROR",
        data: ["192.0.2.80"],
      });
      assert.deepEqual(await answer(port, "sub.stream.allomovies.com"), normal("sub.stream.allomovies.com"));
      assert.deepEqual(await answer(port, "www.allomovies.com"), normal("www.allomovies.com"));
    });

    it("answers NODATA below a nodata domain, NXDOMAIN for a name with a blocked address", async () => {
      assert.deepEqual(await answer(port, "cdn.dl.allomovies.com"), { status: "NOERROR", data: [] });
      assert.equal((await answer(port, ipBlockedName)).status, "NXDOMAIN");
    });
  });

  describe("served by dnsmasq", () => {
    let port: number;
    let stop: () => Promise<void>;

    before(async () => {
      ({ port, stop } = await startDnsmasq(`--conf-file=${await renderToFile("dnsmasq", dir)}`));
    });

    after(() => stop?.());

    it("answers NXDOMAIN for every name below a blocked domain", async () => {
      assert.deepEqual(await answer(port, "player.allostreaming.com"), { status: "NXDOMAIN", data: [] });
    });

    it("null-routes an exact name and resolves its subdomains normally", async () => {
      assert.deepEqual(await answer(port, "www.fifostream.tv"), { status: "NOERROR", data: ["0.0.0.0"] });
      assert.deepEqual(await answer(port, "x.www.fifostream.tv"), normal("x.www.fifostream.tv"));
    });

    it("answers the stop page below a stop-page domain, and NODATA for other types", async () => {
      assert.deepEqual(await answer(port, "deep.alloshowtv.com"), {
        status: "NOERROR",
        data: ["192.0.2.80"],
      });
      assert.deepEqual(await answer(port, "deep.alloshowtv.com", "TXT"), { status: "NOERROR", data: [] });
      assert.deepEqual(await answer(port, "sub.stream.allomovies.com"), normal("sub.stream.allomovies.com"));
    });

    it("turns an upstream answer with a blocked address into NXDOMAIN", async () => {
      assert.equal((await answer(port, ipBlockedName)).status, "NXDOMAIN");
    });
  });

  describe("served by dnsmasq from the hosts feed", () => {
    let port: number;
    let stop: () => Promise<void>;

    before(async () => {
      ({ port, stop } = await startDnsmasq(`--addn-hosts=${await renderToFile("hosts", dir)}`));
    });

    after(() => stop?.());

    it("answers the null address for A and for AAAA, so that IPv6 does not reach the site either", async () => {
      assert.deepEqual(await answer(port, "www.fifostream.tv"), { status: "NOERROR", data: ["0.0.0.0"] });
      assert.deepEqual(await answer(port, "www.fifostream.tv", "AAAA"), { status: "NOERROR", data: ["::"] });
    });
  });

  /** dnsmasq in the foreground on a free port, forwarding the upstream's domains to it, with `feed` added. */
  async function startDnsmasq(feed: string): Promise<{ port: number; stop: () => Promise<void> }> {
    const port = await freePort();
    const asRoot = process.getuid?.() === 0 ? ["--user=root", "--group=root"] : [];
    const args = [
      "--keep-in-foreground",
      `--port=${port}`,
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      "--no-resolv",
      "--no-hosts",
      "--pid-file=",
      "--log-facility=-",
      ...asRoot,
      ...upstreamDomains.map((d) => `--server=/${d}/127.0.0.1#${upstream.port}`),
      feed,
    ];
    const daemon = startDaemon("dnsmasq", "dnsmasq", args, dir);
    await waitUntilServing(
      daemon,
      "dnsmasq to answer",
      async () => (await answer(port, "fifostream.tv")).status === "NOERROR",
    );
    return { port, stop: () => daemon.stop() };
  }
});
