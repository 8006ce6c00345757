// Every EC2 volume encrypted.
import { TYPES, UNKNOWN, type Rule } from "./types";
import { field, list, show, str } from "./values";

export const encryptedRootVolume: Rule = {
  name: "encrypted-root-volume",
  description: "EC2 instances' root and EBS block devices are encrypted.",
  enforcementLevel: "mandatory",
  resourceTypes: [TYPES.instance],
  validate(r) {
    const messages: string[] = [];
    const encrypted = field(r.props.rootBlockDevice, "encrypted");
    if (encrypted !== true && encrypted !== UNKNOWN) {
      messages.push(
        `rootBlockDevice.encrypted is ${show(encrypted)}: the root volume must be encrypted ` +
          "(rootBlockDevice: { encrypted: true })",
      );
    }
    list(r.props.ebsBlockDevices).forEach((device, i) => {
      const enc = field(device, "encrypted");
      if (enc === true || enc === UNKNOWN) return;
      const name = str(field(device, "deviceName"));
      messages.push(
        `ebsBlockDevices[${i}]${name ? ` (${name})` : ""}.encrypted is ${show(enc)}: every EBS ` +
          "volume must be encrypted",
      );
    });
    return messages;
  },
};
