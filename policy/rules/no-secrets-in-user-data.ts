// No secret in EC2 user data, which EC2 keeps in clear text.
import { TYPES, type Rule } from "./types";

/** What user data must never contain. Labels only: a message never repeats the value. */
export const USER_DATA_SECRET_PATTERNS: readonly { label: string; pattern: RegExp }[] = [
  { label: "token (`token:` / `token=`)", pattern: /token["']?\s*[:=]/i },
  { label: "password (`password:` / `password=`)", pattern: /passw(or)?d["']?\s*[:=]/i },
  { label: "Rancher bootstrap password (`bootstrapPassword`)", pattern: /bootstrap-?password/i },
  { label: "private key (`PRIVATE KEY`)", pattern: /PRIVATE KEY/ },
  { label: "AWS secret access key", pattern: /secret_?access_?key/i },
];

function decodeBase64(s: string): string {
  try {
    return Buffer.from(s, "base64").toString("utf8");
  } catch {
    return "";
  }
}

export const noSecretsInUserData: Rule = {
  name: "no-secrets-in-user-data",
  description:
    "EC2 user data (stored in clear text, readable through the EC2 API and the metadata service) " +
    "holds no tokens, passwords or private keys; this stack sends none (secrets go over SSH stdin).",
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const messages: string[] = [];
    for (const key of ["userData", "userDataBase64"] as const) {
      const raw = r.props[key];
      if (r.secretProps?.includes(key)) {
        messages.push(
          `${key} is marked secret, but EC2 stores user data in clear text: deliver secrets ` +
            "another way (this stack copies them over SSH)",
        );
      }
      if (typeof raw !== "string" || raw === "") continue;
      const text = key === "userDataBase64" ? decodeBase64(raw) : raw;
      for (const { label, pattern } of USER_DATA_SECRET_PATTERNS) {
        if (!pattern.test(text)) continue;
        messages.push(
          `${key} contains what looks like a ${label}: EC2 stores user data in clear text, so ` +
            "it must carry no secrets",
        );
      }
    }
    return messages;
  },
};
