// Typical durations of the steps of a first deploy, per kind of step. Every figure says where it
// comes from; "estimate" marks a figure no measurement was found for, with why it is plausible.
// Figures are for creation only (a first `pulumi up`), from the moment the engine starts the
// step until the provider reports it done.
import type { RecordedResource } from "../mocks";

export interface Duration {
  seconds: number;
  /** Short name for people (timeline, critical path). */
  label: string;
}

const s = (seconds: number, label: string): Duration => ({ seconds, label });

/**
 * Durations by kind. A kind is the resource type, refined by the step's role for remote commands
 * (name suffix) and by the chart for Helm releases (see `stepKind`).
 */
export const DURATIONS = {
  // --- Network and security groups. "measured": the median of real `terraform apply` logs
  // ("Creation complete after …"; Pulumi's aws provider is that provider, so it waits the same),
  // every line listed with its repository and file in docs/measured-durations.md.
  // measured 12 s (21 applies, 3-15 s; pulumi/workshops' Pulumi log 13 s): CreateVpc, then the
  // provider waits for `available` and for each DNS attribute it sets (enableDnsHostnames, which
  // the private hosted zone needs).
  "aws:ec2/vpc:Vpc": s(12, "VPC"),
  // measured 1 s (123 subnets; bshehram/devops-aws-tf SAMPLE_TF_APPLY.md). Subnets that set
  // mapPublicIpOnLaunch take 11-16 s instead: the provider's wait after ModifySubnetAttribute has
  // a 10 s Delay (hashicorp/terraform-provider-aws, waitSubnetMapPublicIPOnLaunchUpdated). This
  // program's subnets never set it (servers and bastion ask for their address themselves).
  "aws:ec2/subnet:Subnet": s(1, "subnet"),
  // measured 1 s, creation and attachment (20 applies, 0-2 s).
  "aws:ec2/internetGateway:InternetGateway": s(1, "internet gateway"),
  // estimate: one CreateRouteTable + CreateRoute call pair.
  "aws:ec2/routeTable:RouteTable": s(5, "route table"),
  // estimate: one AssociateRouteTable call.
  "aws:ec2/routeTableAssociation:RouteTableAssociation": s(2, "route table association"),
  // estimate: CreateSecurityGroup plus revoking the default egress rule.
  "aws:ec2/securityGroup:SecurityGroup": s(5, "security group"),
  // estimate: one AuthorizeSecurityGroupIngress/Egress call each.
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": s(2, "ingress rule"),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": s(2, "egress rule"),
  // estimate: ImportKeyPair is one call.
  "aws:ec2/keyPair:KeyPair": s(1, "key pair"),
  // NAT gateways (private servers): measured 104 s, the median of 33 creations in 20 applies
  // (83-124 s; bshehram/devops-aws-tf SAMPLE_TF_APPLY.md: 12 in one apply, 84-124 s;
  // xavyaly/terraform-lab 119 s; pulumi/workshops' Pulumi log 96 and 97 s). The provider waits
  // for `available`, which kops waits for too (kubernetes/kops#944).
  "aws:ec2/natGateway:NatGateway": s(104, "NAT gateway"),
  // measured 1 s (35 routes to a NAT gateway, 0-2 s): the private subnets' default route.
  "aws:ec2/route:Route": s(1, "route"),
  // measured 1 s (42 addresses, 0-3 s): AllocateAddress.
  "aws:ec2/eip:Eip": s(1, "Elastic IP"),

  // --- The servers' IAM role. estimate: CreateRole, CreateInstanceProfile + AddRoleToInstanceProfile
  // and AttachRolePolicy/PutRolePolicy are single calls; IAM is eventually consistent, which the
  // provider absorbs by retrying the instance launch that uses the profile, not here.
  "aws:iam/role:Role": s(3, "IAM role"),
  "aws:iam/instanceProfile:InstanceProfile": s(5, "instance profile"),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": s(2, "IAM policy attachment"),
  "aws:iam/rolePolicy:RolePolicy": s(2, "IAM inline policy"),
  // --- Servers.
  // issue 12 ("instance ~35 s") for RunInstances until `running`, which the provider waits for;
  // under load it exceeds 15 s (hashicorp/terraform-provider-aws#316, why the wait was raised).
  "aws:ec2/instance:Instance": s(35, "EC2 instance"),

  // --- Load balancers.
  // issue 12 ("load balancer until active ~3 min"). CreateLoadBalancer returns in state
  // `provisioning`; Terraform and CloudFormation wait for `active` (go-to-k/cdkd#1274), and
  // for ELBs "it is very normal that it takes > 2 minutes" (kubernetes/kubernetes#44695); ALBs
  // likewise stay `provisioning` for minutes (hashicorp/terraform-provider-aws#8054).
  "aws:lb/loadBalancer:LoadBalancer": s(180, "load balancer"),
  // estimate: CreateTargetGroup, CreateListener and RegisterTargets are single calls; the
  // provider does not wait for targets to turn healthy (that takes minutes,
  // kubernetes-sigs/aws-load-balancer-controller#1786, but nothing here waits for it).
  "aws:lb/targetGroup:TargetGroup": s(3, "target group"),
  "aws:lb/listener:Listener": s(3, "listener"),
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": s(2, "target registration"),

  // --- DNS and certificate.
  // estimate 45 s: the provider waits until the change is INSYNC, i.e. on every Route 53
  // authoritative server (ChangeResourceRecordSets API reference: PENDING until propagated);
  // the AWS CLI waiter polls every 30 s (`aws route53 wait resource-record-sets-changed`).
  "aws:route53/record:Record": s(45, "Route53 record"),
  // estimate 45 s, as a record: AssociateVPCWithHostedZone returns a change the provider waits
  // on until INSYNC (internal stacks with a new VPC).
  "aws:route53/zoneAssociation:ZoneAssociation": s(45, "private zone association"),
  // estimate: RequestCertificate returns the ARN at once; the validation records appear within
  // seconds.
  "aws:acm/certificate:Certificate": s(10, "ACM certificate"),
  // estimate 5 min: ACM validates DNS in minutes but not reliably fast — the CDK raised its wait
  // from 5 to 9.5 min after timeouts (aws/aws-cdk#2914, commit 5b5ca48); Terraform waits up to
  // 45 min and maintainers say validation "generally" completes well before
  // (hashicorp/terraform-provider-aws#9338).
  "aws:acm/certificateValidation:CertificateValidation": s(300, "ACM DNS validation"),

  // --- The backup bucket: CreateBucket and each Put*Bucket* setting are single S3 calls, one
  // after another (BackupBucket chains them).
  // estimate: CreateBucket returns at once; the provider then waits for the bucket to be visible.
  "aws:s3/bucket:Bucket": s(5, "S3 bucket"),
  // estimate: one PutBucketEncryption call.
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s(
    2,
    "bucket encryption",
  ),
  // estimate: one PutPublicAccessBlock call.
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s(2, "bucket public access block"),
  // estimate: one PutBucketOwnershipControls call.
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s(2, "bucket ownership"),
  // estimate: one PutBucketPolicy call.
  "aws:s3/bucketPolicy:BucketPolicy": s(2, "bucket policy"),
  // estimate: one PutBucketVersioning call.
  "aws:s3/bucketVersioning:BucketVersioning": s(2, "bucket versioning"),
  // estimate: one PutBucketLifecycleConfiguration call, which the provider re-reads until it shows.
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s(5, "bucket lifecycle"),

  // --- Local resources: computed by the provider on the machine running Pulumi.
  // estimate: no cloud call at all.
  "random:index/randomPassword:RandomPassword": s(0, "random password"),
  "random:index/randomId:RandomId": s(0, "pinned ingress controller"),
  // estimate: local, like the password.
  "random:index/randomBytes:RandomBytes": s(0, "backup encryption key"),
  "tls:index/privateKey:PrivateKey": s(0, "SSH key"),

  // --- Steps on the servers over SSH (@pulumi/command), by role.
  // estimate 45 s: no measurement found. After `running` the instance still boots to sshd; the
  // step dials every 15 s (its per-dial timeout) until one answers, so a few dials, then it only
  // creates a directory.
  "command:remote:Command#stage": s(45, "wait for SSH, stage"),
  // issue 12 ("download + install, ~75 s"): cloud-init/apt wait, installer download, install.
  "command:remote:Command#install": s(75, "RKE2 install"),
  // estimate 90 s: the pinned release's image archives (rke2-images-core, -canal and the ingress
  // controller's own where it has one; zstd -16 of the images lists, rancher/rke2
  // scripts/package-images), several hundred MB from GitHub's release downloads, then hashed.
  // Beside install and the ~3 min load balancers, so not on the serial chain either way.
  "command:remote:Command#images": s(90, "stage RKE2 image archives"),
  // issue 12 ("first server ~2 min"): rke2-server's systemd start alone measured 51-71 s on a
  // fresh node (rancher/rke2#2258); the step then waits for /readyz and the node to be Ready.
  "command:remote:Command#start-first": s(120, "RKE2 first server start"),
  // issue 12 ("each join ~1.5 min"): the joiner pulls its images before it can start etcd, which
  // RKE2 waits for before adding the member (k3s-io/k3s#4242).
  "command:remote:Command#start-join": s(90, "RKE2 join"),
  // With the release's image archives staged beforehand (preloadImages, the -images step) a start
  // pulls nothing: RKE2 imports the local archives when it starts (docs.rke2.io/install/airgap),
  // and adds the etcd member only once they are imported (rancher/rke2#1991).
  // estimate 90 s for the first server: issue 12's 2 min less the pulls; its systemd start alone
  // was measured at 51-71 s on a fresh node (rancher/rke2#2258), then the Ready wait.
  "command:remote:Command#start-first-preloaded": s(90, "RKE2 first server start (staged images)"),
  // estimate 50 s for a join: issue 12's 1.5 min less pulling the same images from the internet
  // one server after another. What remains is importing the local archives (31 s for the whole
  // image tarball on a local VM, rancher/rke2#773; "no more than ~45 seconds" for a cold start,
  // rancher/rke2#797; the split core + CNI archives are smaller), the etcd learner join and
  // promotion, the API server start and the Ready wait. To confirm on AWS: it decides the goals.
  "command:remote:Command#start-join-preloaded": s(50, "RKE2 join (staged images)"),
  // estimate: one SSH session printing a file.
  "command:remote:Command#kubeconfig": s(3, "read kubeconfig"),
  // estimate: creation runs `true` over SSH (the step only matters when it is deleted).
  "command:remote:Command#member": s(2, "membership marker"),
  // estimate: one SSH session writing a small file.
  "command:remote:Command#ingress": s(3, "ingress tuning file"),
  // estimate: one SSH connection and an SFTP upload of a few kilobytes.
  "command:remote:CopyToRemote": s(3, "file copy"),

  // --- The same steps over SSM (nodeAccess ssm): local commands running bin/ssm-step.ts, which
  // sends one Run Command and polls it. Node work is the same as over SSH (the remote kinds
  // above); these are the kinds SSM changes.
  // estimate 45 s, as the SSH stage: the servers boot once egress exists, and the agent starts
  // with the OS and registers with the instance profile's credentials; the step polls
  // DescribeInstanceInformation until the server is Online, then creates a directory.
  "command:local:Command#stage": s(45, "wait for SSM registration, stage"),
  // estimate 5 s: one SendCommand carrying a few kilobytes, and the runner's first polls of
  // GetCommandInvocation (ssm/invoke.ts backs off from its first poll).
  "command:local:Command#copy": s(5, "file copy over SSM"),

  // --- Kubernetes.
  // estimate: the provider is configured locally from the kubeconfig.
  "pulumi:providers:kubernetes": s(1, "Kubernetes provider"),
  // estimate: one API call each.
  "kubernetes:core/v1:Namespace": s(2, "namespace"),
  "kubernetes:core/v1:Secret": s(2, "secret"),
  // estimate 1 min: Helm waits for the Deployments and the post-install startupapicheck Job,
  // whose default timeout is 1 min (NVIDIA/aicr#51); the webhook is typically usable about a
  // minute after install (cert-manager/cert-manager#4155, #2908).
  "kubernetes:helm.sh/v3:Release#cert-manager": s(60, "cert-manager Helm release"),
  // issue 12 ("Rancher ~3 min"): three replicas pull a ~0.5 GB image and initialise; the chart
  // notes warn "Rancher may take several minutes to fully initialize" (rancher/server-chart#11).
  "kubernetes:helm.sh/v3:Release#rancher": s(180, "Rancher Helm release"),
  // estimate: the CRD chart only creates CustomResourceDefinitions; the operator chart one small
  // Deployment (one replica, one image) that Helm waits for, plus a ResourceSet per set.
  "kubernetes:helm.sh/v3:Release#rancher-backup-crd": s(10, "rancher-backup CRDs"),
  // estimate: see the line above.
  "kubernetes:helm.sh/v3:Release#rancher-backup": s(45, "rancher-backup operator"),
  // estimate: one API call each (the patch's rollout is not awaited by the Backup).
  "kubernetes:apps/v1:DeploymentPatch": s(2, "deployment patch"),
  // estimate: one API call.
  "kubernetes:resources.cattle.io/v1:Backup": s(2, "scheduled Backup"),
} as const satisfies Record<string, Duration>;

export type StepKindKey = keyof typeof DURATIONS;

/** Components only group their children: they take no time of their own. */
export const COMPONENT_KIND = "component";

const REMOTE_ROLES = /-(stage|install|images|start|kubeconfig|member|ingress-\d+)$/;
/** An SSM transport's file copies (SSH has CopyToRemote for them). */
const SSM_COPIES = /-(scripts|params|config|cluster)$/;
const SSH_STEP = "command:remote:Command";
const SSM_STEP = "command:local:Command";

/** The role of a remote command from its name suffix (`-start`, `-ingress-2`, …). */
export function remoteRole(name: string): string | undefined {
  const m = REMOTE_ROLES.exec(name);
  return m ? m[1].replace(/-\d+$/, "") : undefined;
}

/**
 * The kind of a resource for the duration table, or undefined when the table has none (the
 * estimate then lists it as unmodeled). `resolve` finds a dependency's resource by URN: a start
 * that waits for another server's start is a join, one that waits for an images step starts from
 * staged archives.
 */
export function stepKind(
  r: RecordedResource,
  resolve: (urn: string) => RecordedResource | undefined,
): string | undefined {
  if (!r.custom) return COMPONENT_KIND;
  let key: string = r.type;
  if (r.type === SSM_STEP && SSM_COPIES.test(r.name)) return `${SSM_STEP}#copy`;
  if (r.type === SSM_STEP && remoteRole(r.name) === "stage") return `${SSM_STEP}#stage`;
  if (r.type === SSH_STEP || r.type === SSM_STEP) {
    const role = remoteRole(r.name);
    if (role === undefined) return undefined;
    if (role === "start") {
      const after = (step: string) =>
        r.dependsOn.some((u) => {
          const d = resolve(u);
          return d?.type === r.type && remoteRole(d.name) === step;
        });
      // A start after another server's start is a join; after an images step, it pulls nothing.
      // Over SSM the node work is the same: SSH's durations.
      key = `${SSH_STEP}#start-${after("start") ? "join" : "first"}${after("images") ? "-preloaded" : ""}`;
    } else key = `${SSH_STEP}#${role}`;
  } else if (r.type === "kubernetes:helm.sh/v3:Release") {
    const chart = r.inputs.chart;
    key = `${r.type}#${typeof chart === "string" ? chart : "?"}`;
  }
  return key in DURATIONS ? key : undefined;
}

export function durationOf(kind: string): Duration | undefined {
  if (kind === COMPONENT_KIND) return { seconds: 0, label: "component" };
  return (DURATIONS as Record<string, Duration>)[kind];
}
