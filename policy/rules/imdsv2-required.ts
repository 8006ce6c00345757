// EC2 instances answer only IMDSv2 session requests, and containers cannot reach the metadata.
import { TYPES, UNKNOWN, type Rule } from "./types";
import { field, num, show } from "./values";

export const MAX_HOP_LIMIT = 2;

export const imdsv2Required: Rule = {
  name: "imdsv2-required",
  description:
    "EC2 instances require IMDSv2 session tokens (metadataOptions.httpTokens = required) with a " +
    `PUT response hop limit of at most ${MAX_HOP_LIMIT}.`,
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const options = r.props.metadataOptions;
    // A disabled metadata endpoint serves neither version.
    if (field(options, "httpEndpoint") === "disabled") return [];
    const messages: string[] = [];
    const tokens = field(options, "httpTokens");
    if (tokens !== "required" && tokens !== UNKNOWN) {
      messages.push(
        `metadataOptions.httpTokens is ${show(tokens)}: set it to "required" so the metadata ` +
          "service only answers IMDSv2 session requests",
      );
    }
    const hops = num(field(options, "httpPutResponseHopLimit"));
    if (hops !== undefined && hops > MAX_HOP_LIMIT) {
      messages.push(
        `metadataOptions.httpPutResponseHopLimit is ${hops}: at most ${MAX_HOP_LIMIT} (this stack ` +
          "uses 1), so containers cannot fetch the instance's credentials",
      );
    }
    return messages;
  },
};
