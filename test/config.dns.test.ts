// The hostname and its hosted zone (components/config/validators/dns.ts).
import { checkDns } from "../components/config/validators/dns";
import { validatorTable } from "./config-helpers";

const ZONE = { hostedZone: "example.com" };

describe("config validator: hostname and zone", () => {
  validatorTable(checkDns, [
    ["a name in its zone", { hostname: "rancher.example.com", ...ZONE }, []],
    ["the zone apex itself", { hostname: "example.com", ...ZONE }, []],
    ["a zone by ID", { hostname: "rancher.example.com", hostedZoneId: "Z0123456789ABC" }, []],
    [
      "trailing dots (the absolute form), dropped",
      { hostname: "rancher.example.com.", hostedZone: "example.com." },
      [],
    ],
    [
      "no hostname",
      ZONE,
      ["hostname: required; set the FQDN Rancher will answer on, e.g. rancher.example.com"],
    ],
    [
      "a single label",
      { hostname: "rancher", ...ZONE },
      [
        `hostname: "rancher" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ],
    ],
    [
      "capitals",
      { hostname: "Rancher.example.com", ...ZONE },
      [
        `hostname: "Rancher.example.com" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ],
    ],
    [
      "an IP address",
      { hostname: "10.0.0.1", ...ZONE },
      [
        `hostname: "10.0.0.1" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ],
    ],
    [
      "a wildcard",
      { hostname: "*.example.com", ...ZONE },
      [
        `hostname: "*.example.com" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ],
    ],
    [
      "two trailing dots",
      { hostname: "rancher.example.com..", ...ZONE },
      [
        `hostname: "rancher.example.com.." is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
      ],
    ],
    [
      "a name outside the zone",
      { hostname: "rancher.example.org", ...ZONE },
      [
        `hostname: "rancher.example.org" is not inside hosted zone "example.com"; use a name ending in .example.com`,
      ],
    ],
    [
      "a name that only ends like the zone",
      { hostname: "rancher.notexample.com", ...ZONE },
      [
        `hostname: "rancher.notexample.com" is not inside hosted zone "example.com"; use a name ending in .example.com`,
      ],
    ],
    [
      "both zone keys",
      { hostname: "rancher.example.com", ...ZONE, hostedZoneId: "Z0123456789ABC" },
      ["hostedZone: set exactly one of hostedZone and hostedZoneId, not both"],
    ],
    [
      "neither zone key",
      { hostname: "rancher.example.com" },
      ["hostedZone: required: set hostedZone (zone name) or hostedZoneId"],
    ],
    [
      "a zone name that is not a name",
      { hostname: "rancher.example.com", hostedZone: "example_com" },
      [`hostedZone: "example_com" is not a valid zone name`],
    ],
    [
      "a zone ID of the wrong shape",
      { hostname: "rancher.example.com", hostedZoneId: "zone-1" },
      [`hostedZoneId: "zone-1" is not a Route53 zone ID (Z followed by letters/digits)`],
    ],
  ]);
});
