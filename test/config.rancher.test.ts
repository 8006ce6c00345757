// Rancher's own settings and the tags (components/config/validators/rancher.ts and tags.ts).
import { checkRancher } from "../components/config/validators/rancher";
import { checkTags } from "../components/config/validators/tags";
import { validatorTable } from "./config-helpers";

describe("config validator: Rancher", () => {
  validatorTable(checkRancher, [
    ["nothing set (a generated password, no audit log)", {}, []],
    [
      "a 12-character password and audit level 0",
      { bootstrapPassword: "a".repeat(12), auditLogLevel: 0 },
      [],
    ],
    [
      "an 11-character password",
      { bootstrapPassword: "a".repeat(11) },
      [
        "bootstrapPassword: is shorter than the 12 characters Rancher accepts; use a longer secret or unset it",
      ],
    ],
    [
      "audit level 4",
      { auditLogLevel: 4 },
      ["auditLogLevel: 4 is not an audit level; use 0 to 3 (1 logs metadata and headers)"],
    ],
  ]);
});

describe("config validator: tags", () => {
  validatorTable(checkTags, [
    ["no tags", {}, []],
    ["ordinary tags", { tags: { team: "platform", "cost.center": "x-1" } }, []],
    ["an empty key", { tags: { "": "x" } }, [`tags: tag key "" must be 1 to 128 characters`]],
    [
      "a key over 128 characters",
      { tags: { ["k".repeat(129)]: "x" } },
      [`tags: tag key "${"k".repeat(129)}" must be 1 to 128 characters`],
    ],
    [
      "the reserved aws: prefix, in any case",
      { tags: { "AWS:team": "x" } },
      [`tags: tag key "AWS:team" uses the reserved aws: prefix`],
    ],
    [
      "a value over 256 characters",
      { tags: { team: "v".repeat(257) } },
      [`tags: tag "team" has a value over 256 characters`],
    ],
  ]);
});
