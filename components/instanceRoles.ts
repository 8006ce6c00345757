// What an EC2 instance of the stack is for, as a tag: the policy pack tells the bastion (a
// stateless jump host) from the RKE2 servers by it. Pure data: the policy pack loads it too.
export const ROLE_TAG = "rancher-ha:role";
export const BASTION_ROLE = "bastion";
