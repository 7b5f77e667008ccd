/** Adj-RIB-Out: diffs with and without ADD-PATH, refresh, withdraw-all, and what the codec makes of the result. */
import { expect } from "chai";
import fc from "fast-check";
import { decodeMessage } from "../../../sdk/bgp/codec/codec";
import type { CodecContext, UpdateMessage } from "../../../sdk/bgp/messages";
import { AdjRibOut, type OriginatedRoute, type RibOutSession } from "../../../sdk/bgp/rib/rib-out";
import { packUpdates } from "../../../sdk/bgp/rib/update-packer";
import { formatIpValue, type IpValue } from "../../../sdk/net";
import { ip, ip4 } from "../../ip";

const V4: RibOutSession = { families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: [], extendedNextHop: false };
const ADD_PATH: RibOutSession = { families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: ["ipv4-unicast", "ipv6-unicast"], extendedNextHop: false };
const ATTRS = { origin: 0, asPath: [{ type: 2, asns: [64512] }] };

/** A route to 203.0.113.10/32 through `nextHops` (written as text). */
const vip = (nextHops: string[], extra: Partial<OriginatedRoute> = {}): OriginatedRoute => ({
  family: "ipv4-unicast",
  address: ip("203.0.113.10"),
  length: 32,
  nextHops: nextHops.map(ip),
  ...extra,
});

function ribUp(session: RibOutSession, routes: OriginatedRoute[] = []): AdjRibOut {
  const rib = new AdjRibOut(64512);
  for (const route of routes) rib.set(route);
  rib.sessionUp(session);
  return rib;
}

describe("bgp Adj-RIB-Out without ADD-PATH", () => {
  it("announces one path per prefix with ORIGIN IGP, AS_PATH = our AS and the route's attributes", () => {
    const rib = ribUp(V4, [
      vip(["192.0.2.11", "192.0.2.12"], { med: 10, communities: [0xfde80064], largeCommunities: [{ globalAdmin: 64512, localData1: 1, localData2: 2 }] }),
    ]);
    expect(rib.takeChanges()).to.deep.equal({
      announce: [
        {
          family: "ipv4-unicast",
          prefix: { address: ip("203.0.113.10"), length: 32 },
          nextHop: { global: ip("192.0.2.11") },
          attributes: { ...ATTRS, med: 10, communities: [0xfde80064], largeCommunities: [{ globalAdmin: 64512, localData1: 1, localData2: 2 }] },
        },
      ],
      withdraw: [],
    });
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
  });

  it("keeps the next hop already sent while it remains; moves to another only when it goes", () => {
    const rib = ribUp(V4, [vip(["192.0.2.11", "192.0.2.12"])]);
    rib.takeChanges();
    rib.set(vip(["192.0.2.13", "192.0.2.11"]));
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
    rib.set(vip(["192.0.2.13", "192.0.2.12"]));
    expect(rib.takeChanges().announce.map((r) => formatIpValue(r.nextHop.global))).to.deep.equal(["192.0.2.13"]);
    expect(rib.advertised()).to.deep.equal([{ family: "ipv4-unicast", address: ip("203.0.113.10"), length: 32, nextHop: ip4("192.0.2.13") }]);
  });

  it("re-announces on an attribute change and withdraws a removed prefix", () => {
    const rib = ribUp(V4, [vip(["192.0.2.11"])]);
    rib.takeChanges();
    rib.set(vip(["192.0.2.11"], { med: 5 }));
    expect(rib.takeChanges().announce.map((r) => r.attributes.med)).to.deep.equal([5]);
    expect(rib.delete("ipv4-unicast", ip("203.0.113.10"), 32)).to.equal(true);
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [{ family: "ipv4-unicast", prefix: { address: ip("203.0.113.10"), length: 32 } }] });
  });

  it("sends nothing while down and everything again after the next Established", () => {
    const rib = new AdjRibOut(64512);
    rib.set(vip(["192.0.2.11"]));
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
    rib.sessionUp(V4);
    expect(rib.takeChanges().announce).to.have.length(1);
    rib.sessionDown();
    expect(rib.advertised()).to.deep.equal([]);
    rib.sessionUp(V4);
    expect(rib.takeChanges().announce).to.have.length(1);
  });

  it("leaves out families the peer did not negotiate, and IPv6 next hops for IPv4 routes without extended next hop", () => {
    const rib = ribUp({ families: ["ipv4-unicast"], addPathSend: [], extendedNextHop: false }, [
      { family: "ipv6-unicast", address: ip("2001:db8::10"), length: 128, nextHops: [ip("2001:db8::11")] },
      vip(["2001:db8::11"]),
    ]);
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
    const extended = ribUp({ families: ["ipv4-unicast"], addPathSend: [], extendedNextHop: true }, [vip(["2001:db8::11"])]);
    expect(extended.takeChanges().announce.map((r) => formatIpValue(r.nextHop.global))).to.deep.equal(["2001:db8::11"]);
  });

  it("groups announcements by identical next hop and attributes", () => {
    const routes = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"].map((address, i) =>
      vip([i % 2 === 0 ? "192.0.2.11" : "192.0.2.12"], { address: ip(address) }),
    );
    const rib = ribUp(V4, routes);
    const order = rib.takeChanges().announce.map((r) => `${formatIpValue(r.nextHop.global)} ${formatIpValue(r.prefix.address)}`);
    expect(order).to.deep.equal(["192.0.2.11 203.0.113.1", "192.0.2.11 203.0.113.3", "192.0.2.12 203.0.113.2", "192.0.2.12 203.0.113.4"]);
  });

  it("rejects bad routes naming the field and the value", () => {
    const rib = new AdjRibOut(64512);
    expect(() => rib.set(vip(["192.0.2.11"], { address: ip("203.0.113.10"), length: 24 }))).to.throw(
      RangeError,
      'route address: "203.0.113.10/24" has host bits set',
    );
    expect(() => rib.set(vip([]))).to.throw(RangeError, "route nextHops");
    expect(() => rib.set({ family: "ipv6-unicast", address: ip("2001:db8::"), length: 64, nextHops: [ip("192.0.2.1")] })).to.throw(
      RangeError,
      'route nextHops: "192.0.2.1" is not an IPv6 address',
    );
    expect(() => rib.set(vip(["192.0.2.11"], { length: 33 }))).to.throw(RangeError, "route length: 33");
  });
});

describe("bgp Adj-RIB-Out with ADD-PATH", () => {
  it("one path per next hop, with stable path identifiers across adds and removals", () => {
    const rib = ribUp(ADD_PATH, [vip(["192.0.2.11", "192.0.2.12", "192.0.2.13"])]);
    const first = rib.takeChanges().announce.map((r) => [r.prefix.pathId, formatIpValue(r.nextHop.global)]);
    expect(first).to.deep.equal([
      [1, "192.0.2.11"],
      [2, "192.0.2.12"],
      [3, "192.0.2.13"],
    ]);
    rib.set(vip(["192.0.2.13", "192.0.2.11"]));
    expect(rib.takeChanges()).to.deep.equal({
      announce: [],
      withdraw: [{ family: "ipv4-unicast", prefix: { address: ip("203.0.113.10"), length: 32, pathId: 2 } }],
    });
    rib.set(vip(["192.0.2.13", "192.0.2.11", "192.0.2.14", "192.0.2.15"]));
    expect(rib.takeChanges().announce.map((r) => [r.prefix.pathId, formatIpValue(r.nextHop.global)])).to.deep.equal([
      [2, "192.0.2.14"],
      [4, "192.0.2.15"],
    ]);
    expect(rib.advertised().map((p) => [p.pathId, formatIpValue(p.nextHop)])).to.deep.equal([
      [1, "192.0.2.11"],
      [2, "192.0.2.14"],
      [3, "192.0.2.13"],
      [4, "192.0.2.15"],
    ]);
  });

  it("IPv6 routes carry their IPv6 next hops, one path each (groups in next-hop value order)", () => {
    const rib = ribUp(ADD_PATH, [
      { family: "ipv6-unicast", address: ip("2001:db8::10"), length: 128, nextHops: [ip("2001:db8::11"), ip("::ffff:192.0.2.12")] },
    ]);
    expect(rib.takeChanges().announce).to.deep.equal([
      {
        family: "ipv6-unicast",
        prefix: { address: ip("2001:db8::10"), length: 128, pathId: 2 },
        nextHop: { global: ip("::ffff:192.0.2.12") },
        attributes: ATTRS,
      },
      { family: "ipv6-unicast", prefix: { address: ip("2001:db8::10"), length: 128, pathId: 1 }, nextHop: { global: ip("2001:db8::11") }, attributes: ATTRS },
    ]);
  });

  it("ROUTE-REFRESH re-sends every path of the family once, and only that family", () => {
    const rib = ribUp(ADD_PATH, [
      vip(["192.0.2.11", "192.0.2.12"]),
      { family: "ipv6-unicast", address: ip("2001:db8::10"), length: 128, nextHops: [ip("2001:db8::11")] },
    ]);
    rib.takeChanges();
    rib.refresh("ipv4-unicast");
    expect(rib.takeChanges().announce.map((r) => [r.family, r.prefix.pathId])).to.deep.equal([
      ["ipv4-unicast", 1],
      ["ipv4-unicast", 2],
    ]);
    expect(rib.takeChanges().announce).to.deep.equal([]);
  });

  it("withdraw-all withdraws every path and then stays quiet until the next session", () => {
    const rib = ribUp(ADD_PATH, [vip(["192.0.2.11", "192.0.2.12"])]);
    rib.takeChanges();
    expect(rib.withdrawAll().withdraw.map((w) => w.prefix.pathId)).to.deep.equal([1, 2]);
    rib.set(vip(["192.0.2.11", "192.0.2.12", "192.0.2.13"]));
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
    expect(rib.withdrawAll()).to.deep.equal({ announce: [], withdraw: [] });
    rib.sessionUp(ADD_PATH);
    expect(rib.takeChanges().announce).to.have.length(3);
  });
});

describe("bgp Adj-RIB-Out through the codec", () => {
  const context: CodecContext = { fourOctetAs: true, addPath: { "ipv4-unicast": { send: true, receive: false } }, extendedNextHop: false };

  function decoded(changes: ReturnType<AdjRibOut["takeChanges"]>, ctx: CodecContext): UpdateMessage[] {
    const receiver: CodecContext = { ...ctx, addPath: Object.fromEntries(Object.entries(ctx.addPath).map(([f, d]) => [f, { send: false, receive: d.send }])) };
    return packUpdates(changes, ctx).map((frame) => {
      const result = decodeMessage(frame, receiver);
      if (!result.ok || result.message.kind !== "update") throw new Error(`not an UPDATE: ${JSON.stringify(result)}`);
      return result.message;
    });
  }

  it("ADD-PATH paths and IPv6 MP_REACH routes arrive as sent", () => {
    const rib = ribUp({ families: ["ipv4-unicast", "ipv6-unicast"], addPathSend: ["ipv4-unicast"], extendedNextHop: false }, [
      vip(["192.0.2.11", "192.0.2.12"]),
      { family: "ipv6-unicast", address: ip("2001:db8::10"), length: 128, nextHops: [ip("::ffff:192.0.2.11")] },
    ]);
    const updates = decoded(rib.takeChanges(), context);
    const v4 = updates.flatMap((u) => u.nlri.map((p) => [p.pathId, u.attributes.nextHop]));
    expect(v4).to.have.deep.members([
      [1, ip4("192.0.2.11")],
      [2, ip4("192.0.2.12")],
    ]);
    const v6 = updates.flatMap((u) => (u.attributes.mpReach ? u.attributes.mpReach.nlri.map((p) => [p.address, u.attributes.mpReach?.nextHop.global]) : []));
    expect(v6).to.deep.equal([[ip("2001:db8::10"), ip("::ffff:192.0.2.11")]]);
    for (const u of updates) expect(u.attributes.asPath).to.deep.equal([{ type: 2, asns: [64512] }]);
  });

  it("property: after any sequence of changes, sends and session flaps, the peer's view equals the wanted set", () => {
    const hops = ["192.0.2.11", "192.0.2.12", "192.0.2.13"];
    const change = fc.record({
      address: fc.constantFrom("203.0.113.1", "203.0.113.2", "203.0.113.3").map(ip),
      nextHops: fc.subarray(hops, { minLength: 0 }),
      med: fc.option(fc.constantFrom(0, 10), { nil: undefined }),
      // Send what changed after this one (else it waits with the next ones), or flap the session first.
      then: fc.constantFrom("send", "send", "wait", "flap"),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(change, { minLength: 1, maxLength: 30 }), (addPath, changes) => {
        const session: RibOutSession = { families: ["ipv4-unicast"], addPathSend: addPath ? ["ipv4-unicast"] : [], extendedNextHop: false };
        const rib = ribUp(session);
        // The peer's table, rebuilt only from what takeChanges says: prefix#pathId → next hop.
        const peer = new Map<string, IpValue>();
        for (const c of changes) {
          if (c.nextHops.length === 0) rib.delete("ipv4-unicast", c.address, 32);
          else rib.set(vip(c.nextHops, { address: c.address, ...(c.med === undefined ? {} : { med: c.med }) }));
          if (c.then === "wait") continue;
          if (c.then === "flap") {
            rib.sessionDown();
            peer.clear();
            rib.sessionUp(session);
          }
          const step = rib.takeChanges();
          for (const w of step.withdraw) expect(peer.delete(`${w.prefix.address}#${w.prefix.pathId}`)).to.equal(true);
          for (const a of step.announce) peer.set(`${a.prefix.address}#${a.prefix.pathId}`, a.nextHop.global);
          expect(rib.advertisedCount).to.equal(peer.size);
        }
        const last = rib.takeChanges();
        for (const w of last.withdraw) expect(peer.delete(`${w.prefix.address}#${w.prefix.pathId}`)).to.equal(true);
        for (const a of last.announce) peer.set(`${a.prefix.address}#${a.prefix.pathId}`, a.nextHop.global);
        expect(rib.advertised().length).to.equal(peer.size);
        for (const route of rib.wanted()) {
          const sent = [...peer].filter(([key]) => key.startsWith(`${route.address}#`)).map(([, hop]) => hop);
          if (addPath) expect(sent.sort()).to.deep.equal([...route.nextHops].sort());
          else expect(sent.length === 1 && route.nextHops.includes(sent[0])).to.equal(true);
        }
        expect(new Set([...peer.keys()].map((k) => k.split("#")[0]))).to.deep.equal(new Set(rib.wanted().map((r) => String(r.address))));
      }),
      { numRuns: 300 },
    );
  });
});

describe("bgp Adj-RIB-Out for large tables", () => {
  const hosts = (count: number, offset = 0): OriginatedRoute[] =>
    Array.from({ length: count }, (_, i) => vip(["192.0.2.11"], { address: ip(`10.0.${(offset + i) >> 8}.${(offset + i) & 255}`), communities: [0xfde80064] }));

  /** A sink that only counts. */
  function counter(): { announced: number; withdrawn: number; announce(): void; withdraw(): void } {
    return {
      announced: 0,
      withdrawn: 0,
      announce() {
        this.announced++;
      },
      withdraw() {
        this.withdrawn++;
      },
    };
  }

  it("streams a full table in batches, recording as sent as it goes, and the stream ends when the session goes down", () => {
    const rib = ribUp(V4, hosts(5000));
    const sink = counter();
    const stream = rib.changes(sink, 1000);
    stream.next();
    expect(sink.announced).to.equal(1000);
    expect(rib.advertisedCount).to.equal(1000);
    stream.next();
    expect(sink.announced).to.equal(2000);
    rib.sessionDown();
    expect(stream.next().done).to.equal(true);
    expect(sink.announced).to.equal(2000);
    expect(rib.advertisedCount).to.equal(0);
    rib.sessionUp(V4);
    expect(rib.takeChanges().announce).to.have.length(5000);
    expect(rib.advertisedCount).to.equal(rib.advertised().length);
  });

  it("picks up changes made while a stream is paused", () => {
    const rib = ribUp(V4, hosts(3000));
    const sink = counter();
    const stream = rib.changes(sink, 1000);
    stream.next();
    rib.set(vip(["192.0.2.11"], { address: ip("10.0.0.0"), med: 5 }));
    rib.delete("ipv4-unicast", ip("10.0.11.183"), 32);
    for (let step = stream.next(); !step.done; step = stream.next());
    expect(rib.advertisedCount).to.equal(2999);
    expect(rib.advertised().find((p) => p.address === ip("10.0.11.183"))).to.equal(undefined);
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
  });

  it("replacing 10% of the routes sends only the difference, grouped by attributes", () => {
    const rib = ribUp(V4, hosts(2000));
    rib.takeChanges();
    rib.replaceAll([...hosts(1800, 200), ...hosts(200, 5000)]);
    const changes = rib.takeChanges();
    expect(changes.withdraw.map((w) => w.prefix.address)).to.deep.equal(hosts(200).map((r) => r.address));
    expect(changes.announce.map((a) => a.prefix.address)).to.deep.equal(hosts(200, 5000).map((r) => r.address));
    expect(new Set(changes.announce.map((a) => a.attributes)).size, "one shared attribute object").to.equal(1);
    expect(rib.advertisedCount).to.equal(2000);
  });

  it("a bad route in replaceAll changes nothing", () => {
    const rib = ribUp(V4, hosts(10));
    rib.takeChanges();
    expect(() => rib.replaceAll([...hosts(5), vip(["192.0.2.11"], { address: ip("10.0.0.1"), length: 24 })])).to.throw(
      RangeError,
      'route address: "10.0.0.1/24" has host bits set',
    );
    expect(rib.wanted()).to.have.length(10);
    expect(rib.takeChanges()).to.deep.equal({ announce: [], withdraw: [] });
  });
});

describe("bgp Adj-RIB-Out to an internal (iBGP) peer", () => {
  it("iBGP: sends an empty AS_PATH and the route's LOCAL_PREF; the same route to an eBGP peer has our AS and no LOCAL_PREF", () => {
    const route = vip(["192.0.2.11"], { localPref: 150, communities: [0xfde80064] });
    const internal = new AdjRibOut(64512, true);
    internal.set(route);
    internal.sessionUp(V4);
    expect(internal.takeChanges().announce.map((r) => r.attributes)).to.deep.equal([{ origin: 0, asPath: [], localPref: 150, communities: [0xfde80064] }]);
    expect(internal.wanted()[0]?.localPref).to.equal(150);
    const external = ribUp(V4, [route]);
    expect(external.takeChanges().announce.map((r) => r.attributes)).to.deep.equal([{ ...ATTRS, communities: [0xfde80064] }]);
  });

  it("iBGP: a LOCAL_PREF change re-announces; the UPDATE on the wire carries LOCAL_PREF and an empty AS_PATH", () => {
    const rib = new AdjRibOut(64512, true);
    rib.set(vip(["192.0.2.11"], { localPref: 100 }));
    rib.sessionUp(V4);
    rib.takeChanges();
    rib.set(vip(["192.0.2.11"], { localPref: 200 }));
    const changes = rib.takeChanges();
    expect(changes.announce.map((r) => r.attributes.localPref)).to.deep.equal([200]);
    const context: CodecContext = { fourOctetAs: true, addPath: {}, extendedNextHop: false };
    const frames = packUpdates(changes, context);
    expect(frames).to.have.length(1);
    const result = decodeMessage(frames[0], context);
    if (!result.ok || result.message.kind !== "update") throw new Error(`not an UPDATE: ${JSON.stringify(result)}`);
    expect(result.message.attributes.localPref).to.equal(200);
    expect(result.message.attributes.asPath).to.deep.equal([]);
  });

  it("iBGP: a route without LOCAL_PREF goes out with 100 (RFC 4271 §5.1.5: always sent to internal peers)", () => {
    const rib = new AdjRibOut(64512, true);
    rib.set(vip(["192.0.2.11"]));
    rib.sessionUp(V4);
    expect(rib.takeChanges().announce.map((r) => r.attributes.localPref)).to.deep.equal([100]);
  });

  it("refuses a LOCAL_PREF that does not fit in 32 bits, naming the field", () => {
    const rib = new AdjRibOut(64512, true);
    expect(() => rib.set(vip(["192.0.2.11"], { localPref: 2 ** 32 }))).to.throw(RangeError, /localPref: 4294967296/);
  });
});
