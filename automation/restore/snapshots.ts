// Lists the stack's etcd snapshots (and rancher-backup files) from S3 with the caller's AWS
// credentials: the servers may be exactly what is broken, and `rke2 etcd-snapshot ls` needs a
// running server (k3s: the CLI asks the local supervisor on :9345).
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { SNAPSHOT_NAME_RE } from "../../components/rke2/restoreParams";
import { BACKUP_FILENAME, type RestoreTarget } from "./target";

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** The two S3 calls the restore makes (the test seam). */
export interface SnapshotStore {
  /** Every object under `prefix` (all pages). */
  list(bucket: string, prefix: string): Promise<StoredObject[]>;
  /** HeadObject: false on 404. */
  exists(bucket: string, key: string): Promise<boolean>;
}

export function s3SnapshotStore(client: Pick<S3Client, "send">): SnapshotStore {
  return {
    async list(bucket, prefix) {
      const out: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) {
            out.push({
              key: o.Key,
              size: o.Size ?? 0,
              lastModified: o.LastModified ?? new Date(0),
            });
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async exists(bucket, key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (e as Error).name === "NotFound") return false;
        throw e;
      }
    },
  };
}

export interface EtcdSnapshot {
  /** The file name `--cluster-reset-restore-path` takes. */
  name: string;
  key: string;
  size: number;
  /** From the name's Unix time (k3s names `<prefix>-<node>-<unix>`), else the object's time. */
  createdAt: Date;
  /** The server that took it, when the name says. */
  node?: string;
  /** `etcd-snapshot` for scheduled ones; the `--name` of on-demand ones. */
  prefix: string;
  compressed: boolean;
}

/** k3s pkg/etcd/snapshot.go names a snapshot `<etcd-snapshot-name>-<node>-<unix>[.zip]`. */
export function parseSnapshot(
  obj: StoredObject,
  folder: string,
  nodeNames: string[],
): EtcdSnapshot | undefined {
  if (!obj.key.startsWith(`${folder}/`)) return undefined;
  const name = obj.key.slice(folder.length + 1);
  // Metadata lives in <folder>/.metadata/<name> (k3s s3.Upload); nothing nested is a snapshot.
  if (name.includes("/") || !SNAPSHOT_NAME_RE.test(name)) return undefined;
  const m = /^(.+)-(\d{9,11})(\.zip)?$/.exec(name);
  const base = m?.[1] ?? name;
  const node = nodeNames.find((n) => base.endsWith(`-${n}`));
  return {
    name,
    key: obj.key,
    size: obj.size,
    createdAt: m ? new Date(Number(m[2]) * 1000) : obj.lastModified,
    ...(node ? { node } : {}),
    prefix: node ? base.slice(0, -(node.length + 1)) : base,
    compressed: name.endsWith(".zip"),
  };
}

/** The stack's etcd snapshots in S3, newest first. */
export async function listEtcdSnapshots(
  target: RestoreTarget,
  store: SnapshotStore,
): Promise<EtcdSnapshot[]> {
  const names = target.servers.map((s) => s.nodeName);
  const objects = await store.list(target.bucket, `${target.etcdFolder}/`);
  return objects
    .map((o) => parseSnapshot(o, target.etcdFolder, names))
    .filter((s): s is EtcdSnapshot => s !== undefined)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.name.localeCompare(b.name));
}

export class SnapshotNotFoundError extends Error {}

/** `latest`, or a snapshot by name; throws SnapshotNotFoundError listing what there is. */
export function chooseSnapshot(snapshots: EtcdSnapshot[], choice: string): EtcdSnapshot {
  if (choice === "latest") {
    if (snapshots.length === 0) {
      throw new SnapshotNotFoundError(
        "no etcd snapshot in the bucket yet: the first is taken at the next scheduled run (or `sudo rke2 etcd-snapshot save` on a server)",
      );
    }
    return snapshots[0];
  }
  const found = snapshots.find((s) => s.name === choice);
  if (!found) {
    const some = snapshots.slice(0, 5).map((s) => s.name);
    throw new SnapshotNotFoundError(
      `snapshot ${choice} is not in the bucket${some.length ? `; newest: ${some.join(", ")}` : " (it holds none)"}`,
    );
  }
  return found;
}

export interface RancherBackupFile {
  name: string;
  size: number;
  lastModified: Date;
  encrypted: boolean;
}

/** rancher-backup files in the stack's folder, newest first: what a Restore's backupFilename names. */
export async function listRancherBackups(
  target: RestoreTarget,
  store: SnapshotStore,
): Promise<RancherBackupFile[]> {
  const objects = await store.list(target.bucket, `${target.rancherFolder}/`);
  return objects
    .map((o) => ({ ...o, name: o.key.slice(target.rancherFolder.length + 1) }))
    .filter((o) => !o.name.includes("/") && BACKUP_FILENAME.test(o.name))
    .map((o) => ({
      name: o.name,
      size: o.size,
      lastModified: o.lastModified,
      encrypted: o.name.endsWith(".enc"),
    }))
    .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime());
}
