// The servers: count, instance type, volume, AMI, SSH, the one to replace
// (components/config/validators/servers.ts and instanceTypes.ts).
import { checkServers } from "../components/config/validators/servers";
import { validatorTable } from "./config-helpers";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----";
const COUNT = "use an odd count of 3, 5 or 7 (etcd quorum), or 1 for a sandbox";

describe("config validator: servers", () => {
  validatorTable(checkServers, [
    ["the defaults", {}, []],
    [
      "every key set",
      {
        serverCount: 5,
        instanceType: "m6i.2xlarge",
        rootVolumeGiB: 200,
        amiId: "ami-0123456789abcdef0",
        sshUser: "admin",
        sshPrivateKey: KEY,
        replaceServer: 5,
      },
      [],
    ],
    ["seven servers", { serverCount: 7 }, []],
    [
      "one server (a sandbox)",
      { serverCount: 1 },
      ["warning: rancher-ha:serverCount is 1: a sandbox without high availability"],
    ],
    ["an even count", { serverCount: 4 }, [`serverCount: 4 is not supported; ${COUNT}`]],
    ["nine servers", { serverCount: 9 }, [`serverCount: 9 is not supported; ${COUNT}`]],
    [
      "no servers",
      { serverCount: 0 },
      [`serverCount: 0 is not supported: the cluster needs at least one server; ${COUNT}`],
    ],
    [
      "a negative count, without a knock-on replaceServer problem",
      { serverCount: -3, replaceServer: 1 },
      [`serverCount: -3 is not supported: a number of servers cannot be negative; ${COUNT}`],
    ],
    [
      "a server that is not there",
      { serverCount: 3, replaceServer: 4 },
      ["replaceServer: 4 is not a server; use 1 to 3, or unset it"],
    ],
    [
      "server 0",
      { replaceServer: 0 },
      ["replaceServer: 0 is not a server; use 1 to 3, or unset it"],
    ],
    [
      "a root volume too small",
      { rootVolumeGiB: 20 },
      ["rootVolumeGiB: 20 is out of range; use 30 to 16384 GiB (100 recommended)"],
    ],
    [
      "an AMI ID of the wrong shape",
      { amiId: "ubuntu-24.04" },
      [`amiId: "ubuntu-24.04" is not an AMI ID like ami-0123456789abcdef0`],
    ],
    [
      "a user name Linux refuses",
      { sshUser: "Admin User" },
      [`sshUser: "Admin User" is not a valid Linux user name`],
    ],
    [
      "a key that is not a private key",
      { sshPrivateKey: "ssh-ed25519 AAAA… me@laptop" },
      ["sshPrivateKey: is not a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY-----)"],
    ],
  ]);
});

describe("config validator: instance types (real EC2 types, x86_64, RKE2's minimum)", () => {
  const type = (instanceType: string) => ({ instanceType });
  const MIN = "below RKE2's minimum of 2 vCPU and 4 GiB";
  validatorTable(checkServers, [
    ["a current x86 type", type("m7i.2xlarge"), []],
    ["a burstable medium (2 vCPU, 4 GiB)", type("t3.medium"), []],
    ["exactly the minimum, from the data", type("c5.large"), []],
    // Real types the sized table (three US regions) lacks: judged by name, never refused as typos.
    ["a real type without size data", type("i3.xlarge"), []],
    [
      "a typo, with the nearest name",
      type("m6i.xlargee"),
      [
        `instanceType: "m6i.xlargee" is not an EC2 instance type; did you mean m6i.xlarge? (the known types are in components/data/ec2-instance-type-names.json)`,
      ],
    ],
    [
      "a family that does not exist",
      type("m6ix.large"),
      [
        `instanceType: "m6ix.large" is not an EC2 instance type; did you mean m6i.large? (the known types are in components/data/ec2-instance-type-names.json)`,
      ],
    ],
    [
      "not a type at all",
      type("large"),
      [`instanceType: "large" is not an EC2 instance type like m6i.xlarge`],
    ],
    [
      "a 1 vCPU type, from the data",
      type("m6g.medium"),
      [
        `instanceType: m6g.medium is ${MIN} (it has 1 vCPU, 4 GiB); use m6i.xlarge (recommended) or at least m6i.large`,
      ],
    ],
    [
      "a small type, from the data",
      type("t3.small"),
      [
        `instanceType: t3.small is ${MIN} (it has 2 vCPU, 2 GiB); use m6i.xlarge (recommended) or at least m6i.large`,
      ],
    ],
    [
      "a real type without size data, below the minimum by its size",
      type("t8i.micro"),
      [`instanceType: t8i.micro is ${MIN}; use m6i.xlarge (recommended) or at least m6i.large`],
    ],
    [
      "an arm64 type",
      type("m7g.xlarge"),
      [
        "instanceType: m7g.xlarge is an arm64 (Graviton) type but the servers run amd64 Ubuntu; use an x86 type such as m6i.xlarge",
      ],
    ],
    [
      "a real arm64 type without size data",
      type("m9g.xlarge"),
      [
        "instanceType: m9g.xlarge is an arm64 (Graviton) type but the servers run amd64 Ubuntu; use an x86 type such as m6i.xlarge",
      ],
    ],
    [
      "a Mac type",
      type("mac2.metal"),
      [
        "instanceType: mac2.metal is a Mac instance (macOS on a dedicated host); use an x86 Linux type such as m6i.xlarge",
      ],
    ],
  ]);
});
