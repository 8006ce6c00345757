// The user's tags, as AWS takes them (EC2 tag restrictions).
import { problem, type Finding, type Validator } from "../problems";

export const checkTags: Validator = (s) => {
  const out: Finding[] = [];
  for (const [k, v] of Object.entries(s.tags ?? {})) {
    if (k.length === 0 || k.length > 128) {
      out.push(problem("tags", `tag key "${k}" must be 1 to 128 characters`));
    }
    if (/^aws:/i.test(k)) out.push(problem("tags", `tag key "${k}" uses the reserved aws: prefix`));
    if (v.length > 256) out.push(problem("tags", `tag "${k}" has a value over 256 characters`));
  }
  return out;
};
