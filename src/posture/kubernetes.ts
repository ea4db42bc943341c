/**
 * Kubernetes facts of the current pod: its namespace, whether a service-account token
 * is mounted, whether it runs as root, and whether `/` is mounted read-only. Files and the uid
 * only; the API server is never asked.
 */
import { hasEnv, SERVICE_ACCOUNT_NAMESPACE, SERVICE_ACCOUNT_TOKEN } from "./detect.js";
import type { Probe } from "./probe.js";

export const PROC_MOUNTS = "/proc/mounts";

export interface KubernetesAssessment {
  readonly namespace?: string;
  readonly serviceAccount?: boolean;
  readonly nonRoot?: boolean;
  readonly readOnlyRootFs?: boolean;
  readonly evidence: readonly string[];
}

/** /proc/mounts escapes space, tab, newline and backslash in paths as octal (`\040`). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Whether `/` is mounted read-only, from /proc/mounts ("device mountpoint type options dump pass").
 * The last `/` line wins: later mounts stack over earlier ones, as a container's overlay does.
 */
export function parseRootReadOnly(procMounts: string): boolean | undefined {
  let result: boolean | undefined;
  for (const line of procMounts.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || unescapeMount(fields[1]!) !== "/") continue;
    const options = fields[3]!.split(",");
    if (options.includes("ro")) result = true;
    else if (options.includes("rw")) result = false;
  }
  return result;
}

/** Projected tokens the identity webhooks mount are service-account tokens too. */
const PROJECTED_TOKEN_VARS = ["AWS_WEB_IDENTITY_TOKEN_FILE", "AZURE_FEDERATED_TOKEN_FILE"] as const;

/** Reads the pod's facts. Never throws with a guarded probe. */
export async function assessKubernetes(probe: Probe): Promise<KubernetesAssessment> {
  const evidence: string[] = [];
  const out: { namespace?: string; serviceAccount?: boolean; nonRoot?: boolean; readOnlyRootFs?: boolean } = {};

  const nsFile = (await probe.readFile(SERVICE_ACCOUNT_NAMESPACE))?.trim();
  if (nsFile) {
    out.namespace = nsFile;
    evidence.push(`namespace: from ${SERVICE_ACCOUNT_NAMESPACE}`);
  } else if (hasEnv(probe.env, "POD_NAMESPACE")) {
    out.namespace = probe.env["POD_NAMESPACE"]!.trim();
    evidence.push("namespace: from POD_NAMESPACE");
  } else evidence.push("namespace: unknown");

  if (await probe.exists(SERVICE_ACCOUNT_TOKEN)) {
    out.serviceAccount = true;
    evidence.push(`service account: ${SERVICE_ACCOUNT_TOKEN} exists`);
  } else {
    let projected: string | undefined;
    for (const name of PROJECTED_TOKEN_VARS) {
      const path = probe.env[name];
      if (path && (await probe.exists(path))) {
        projected = name;
        break;
      }
    }
    out.serviceAccount = projected !== undefined;
    evidence.push(projected ? `service account: projected token named by ${projected} exists` : "service account: no token mounted");
  }

  if (probe.uid !== undefined) {
    out.nonRoot = probe.uid !== 0;
    evidence.push(`non-root: uid ${probe.uid}`);
  } else evidence.push("non-root: unknown (no uid on this platform)");

  const mounts = await probe.readFile(PROC_MOUNTS);
  const ro = mounts === undefined ? undefined : parseRootReadOnly(mounts);
  if (ro !== undefined) out.readOnlyRootFs = ro;
  evidence.push(ro === undefined ? `read-only root: unknown (${mounts === undefined ? `cannot read ${PROC_MOUNTS}` : `no / line in ${PROC_MOUNTS}`})` : `read-only root: / is mounted ${ro ? "ro" : "rw"}`);

  return { ...out, evidence };
}
