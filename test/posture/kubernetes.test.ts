import { describe, expect, it } from "vitest";
import { assessKubernetes, parseRootReadOnly } from "../../src/posture/kubernetes.js";
import { fakeProbe } from "./fake-probe.js";

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const mounts = (rootOptions: string) =>
  [
    `overlay / overlay ${rootOptions},relatime,lowerdir=/var/lib/containerd/l1,upperdir=/var/lib/containerd/u,workdir=/var/lib/containerd/w 0 0`,
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
    "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0",
    "/dev/sda1 /etc/hosts ext4 rw,relatime 0 0",
  ].join("\n") + "\n";

describe("parseRootReadOnly", () => {
  it("reads ro and rw roots", () => {
    expect(parseRootReadOnly(mounts("ro"))).toBe(true);
    expect(parseRootReadOnly(mounts("rw"))).toBe(false);
  });

  it("takes the last / mount, which is the one in effect", () => {
    expect(parseRootReadOnly("rootfs / rootfs rw 0 0\noverlay / overlay ro,relatime 0 0\n")).toBe(true);
    expect(parseRootReadOnly("overlay / overlay ro 0 0\n/dev/vda1 / ext4 rw 0 0\n")).toBe(false);
  });

  it("ignores other mount points, including escaped ones and prefixes of ro", () => {
    expect(parseRootReadOnly("/dev/sdb /data ext4 ro 0 0\n")).toBeUndefined();
    expect(parseRootReadOnly("/dev/sdb /my\\040dir ext4 ro 0 0\n/dev/sda / ext4 rw,errors=remount-ro 0 0\n")).toBe(false);
    expect(parseRootReadOnly("")).toBeUndefined();
  });
});

describe("assessKubernetes", () => {
  it("reads a hardened pod: namespace file, token, uid 1000, read-only root", async () => {
    const k = await assessKubernetes(fakeProbe({ uid: 1000, files: { [`${SA}/namespace`]: "payments", [`${SA}/token`]: "jwt", "/proc/mounts": mounts("ro") } }));
    expect(k).toMatchObject({ namespace: "payments", serviceAccount: true, nonRoot: true, readOnlyRootFs: true });
  });

  it("reads a root pod with a writable root and no token", async () => {
    const k = await assessKubernetes(fakeProbe({ uid: 0, env: { POD_NAMESPACE: "default" }, files: { "/proc/mounts": mounts("rw") } }));
    expect(k).toMatchObject({ namespace: "default", serviceAccount: false, nonRoot: false, readOnlyRootFs: false });
    expect(k.evidence).toContain("namespace: from POD_NAMESPACE");
    expect(k.evidence).toContain("non-root: uid 0");
  });

  it("prefers the namespace file to POD_NAMESPACE", async () => {
    const k = await assessKubernetes(fakeProbe({ env: { POD_NAMESPACE: "other" }, files: { [`${SA}/namespace`]: "payments\n" } }));
    expect(k.namespace).toBe("payments");
  });

  it("counts a projected identity token as a service-account token", async () => {
    const k = await assessKubernetes(fakeProbe({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" }, files: { "/var/run/secrets/eks.amazonaws.com/serviceaccount/token": "jwt" } }));
    expect(k.serviceAccount).toBe(true);
  });

  it("leaves what it cannot read unknown", async () => {
    const k = await assessKubernetes(fakeProbe({}));
    expect(k.namespace).toBeUndefined();
    expect(k.nonRoot).toBeUndefined();
    expect(k.readOnlyRootFs).toBeUndefined();
    expect(k.evidence).toContain("read-only root: unknown (cannot read /proc/mounts)");
  });
});
