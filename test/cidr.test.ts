// CIDR handling (components/cidr.ts): a table of what is refused and why, and properties of
// subnet division and of resource-name keys checked against ipaddr.js's own parser and matcher.
import * as assert from "node:assert/strict";
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { cidrContains, cidrKey, cidrProblem, isWorldCidr, subdivide } from "../components/cidr";

/** An aligned IPv4 or IPv6 CIDR: random address, masked by ipaddr.js to the prefix. */
const alignedCidr = (family: 4 | 6, maxPrefix: number) =>
  fc
    .tuple(
      fc.uint8Array({ minLength: family === 4 ? 4 : 16, maxLength: family === 4 ? 4 : 16 }),
      fc.integer({ min: 0, max: maxPrefix }),
    )
    .map(([bytes, prefix]) => {
      const address = ipaddr.fromByteArray([...bytes]).toString();
      const network =
        family === 4
          ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString()
          : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`).toRFC5952String();
      return `${network}/${prefix}`;
    });

describe("cidr: problems", () => {
  const cases: [string, string | undefined][] = [
    ["203.0.113.0/24", undefined],
    ["0.0.0.0/0", undefined],
    ["2001:db8::/32", undefined],
    ["2001:db8::1/32", undefined], // IPv6 host bits: AWS refuses them itself
    ["203.0.113.0", '"203.0.113.0" is not a CIDR like 203.0.113.0/24'],
    ["everyone", '"everyone" is not a CIDR like 203.0.113.0/24'],
    ["203.0.113.0/33", '"203.0.113.0/33" has an invalid prefix length'],
    ["2001:db8::/129", '"2001:db8::/129" has an invalid prefix length'],
    ["203.0.113.256/24", '"203.0.113.256/24" has an invalid address'],
    ["010.0.0.0/8", '"010.0.0.0/8" has an invalid address'],
    ["fe80::1%eth0/64", '"fe80::1%eth0/64" has an invalid address'],
    ["203.0.113.7/24", '"203.0.113.7/24" has host bits set; did you mean 203.0.113.0/24?'],
    ["1.2.3.4/0", '"1.2.3.4/0" has host bits set; did you mean 0.0.0.0/0?'],
  ];
  for (const [cidr, expected] of cases) {
    it(`${cidr}: ${expected ?? "valid"}`, () => assert.equal(cidrProblem(cidr), expected));
  }

  it("a /0 of either family is the world", () => {
    assert.deepEqual(["0.0.0.0/0", "::/0", "0.0.0.0/1", "10.0.0.0/8", "x/0"].map(isWorldCidr), [
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("cidr: subnet division (property)", () => {
  for (const family of [4, 6] as const) {
    it(`IPv${family}: the subnets are aligned, inside the range, disjoint and cover it`, () => {
      fc.assert(
        fc.property(
          alignedCidr(family, family === 4 ? 28 : 124),
          fc.integer({ min: 0, max: 4 }),
          (cidr, extraBits) => {
            const [network, prefix] = ipaddr.parseCIDR(cidr);
            const all = subdivide(cidr, extraBits, 2 ** extraBits);
            assert.equal(all.length, 2 ** extraBits);
            const parsed = all.map((s) => ipaddr.parseCIDR(s));
            for (const [i, [address, p]] of parsed.entries()) {
              assert.equal(p, prefix + extraBits, all[i]);
              assert.equal(cidrProblem(all[i]), undefined, `${all[i]} is aligned`);
              assert.ok(address.match(network, prefix), `${all[i]} inside ${cidr}`);
              assert.ok(cidrContains(cidr, all[i]));
              // Disjoint: no other subnet's first address is inside this one.
              for (const [j, [other]] of parsed.entries()) {
                if (j !== i) assert.ok(!other.match(address, p), `${all[j]} not in ${all[i]}`);
              }
            }
            // 2^k disjoint subnets of 1/2^k of the size each: together exactly the range.
            const first = parsed[0][0].toByteArray();
            assert.deepEqual(first, network.toByteArray(), "the first starts the range");
            const last = all[all.length - 1];
            const broadcast = (text: string) =>
              (family === 4
                ? ipaddr.IPv4.broadcastAddressFromCIDR(text)
                : ipaddr.IPv6.broadcastAddressFromCIDR(text)
              ).toByteArray();
            assert.deepEqual(broadcast(last), broadcast(cidr), "the last ends it");
            // The first `count` are the prefix of the full list.
            for (let n = 0; n <= all.length; n++) {
              assert.deepEqual(subdivide(cidr, extraBits, n), all.slice(0, n));
            }
          },
        ),
      );
    });
  }

  it("refuses a division the range cannot hold", () => {
    assert.throws(() => subdivide("10.0.0.0/31", 2, 4), /has no 4 subnets of \/33/);
    assert.throws(() => subdivide("10.0.0.0/16", 2, 5), /has no 5 subnets/);
  });
});

describe("cidr: keys (property)", () => {
  it("two spellings of one range share a key; two ranges never do", () => {
    const any = fc.oneof(alignedCidr(4, 32), alignedCidr(6, 128));
    fc.assert(
      fc.property(any, any, (a, b) => {
        const [addrA, pa] = ipaddr.parseCIDR(a);
        const [addrB, pb] = ipaddr.parseCIDR(b);
        const same = addrA.kind() === addrB.kind() && pa === pb && addrA.match(addrB, pa);
        assert.equal(cidrKey(a) === cidrKey(b), same, `${a} vs ${b}`);
        assert.match(cidrKey(a), /^[0-9a-f-]+$/);
        if (addrA.kind() === "ipv6") {
          const spelled = `${addrA.toNormalizedString().toUpperCase()}/${pa}`;
          assert.equal(cidrKey(spelled), cidrKey(a), `${spelled} is ${a}`);
        }
      }),
    );
  });
});
