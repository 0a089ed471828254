import { describe, expect, it, vi } from "vitest";
import type { Progress } from "../bindings";
import { progress } from "../test/fakes";
import { joinPath } from "./format";
import { progressChannelPer } from "./progress";
import { parseTarget, targetText } from "./ssh.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

describe("SSH addresses", () => {
  it("reads user@host[:port] as the core does", () => {
    expect(parseTarget("root@ocs.example.com")).toEqual({ host: "ocs.example.com", port: 22, user: "root" });
    expect(parseTarget(" ocs@relais-pau.example.org:2222 ")).toEqual({ host: "relais-pau.example.org", port: 2222, user: "ocs" });
    expect(parseTarget("relais.example.org", "root")).toEqual({ host: "relais.example.org", port: 22, user: "root" });
    expect(parseTarget("a@b@10.0.0.1:22")).toEqual({ host: "10.0.0.1", port: 22, user: "a@b" });
    expect(parseTarget("root@[::1]:2222")).toEqual({ host: "::1", port: 2222, user: "root" });
    expect(parseTarget("root@fe80::1")).toEqual({ host: "fe80::1", port: 22, user: "root" });
  });

  it("refuses what it cannot read", () => {
    for (const bad of ["", "relais.example.org", "root@", "@host", "root@host:0", "root@host:65536", "root@host:ssh", "root@host/dl", "root@[::1", "root@[::1]x", "root@my host"]) {
      expect(parseTarget(bad), bad).toBeUndefined();
    }
  });

  it("writes a target back as the admin types it", () => {
    expect(targetText({ host: "ocs.example.com", port: 22, user: "root" })).toBe("root@ocs.example.com");
    expect(targetText({ host: "relais.example.org", port: 2222, user: "ocs" })).toBe("ocs@relais.example.org:2222");
    expect(targetText({ host: "::1", port: 2222, user: "root" })).toBe("root@[::1]:2222");
    expect(targetText({ host: "h", user: "u" })).toBe("u@h");
  });

  it("joins a folder and a name with the folder's separator", () => {
    expect(joinPath("/home/admin/ocs-packages", "imported")).toBe("/home/admin/ocs-packages/imported");
    expect(joinPath("/home/admin/ocs-packages/", "imported")).toBe("/home/admin/ocs-packages/imported");
    expect(joinPath("C:\\Users\\admin\\ocs-packages", "imported")).toBe("C:\\Users\\admin\\ocs-packages\\imported");
  });
});

describe("progress of a copy to several servers", () => {
  it("throttles each server's reports on their own", () => {
    vi.spyOn(performance, "now").mockReturnValue(1000);
    const seen: Progress[] = [];
    const channel = progressChannelPer((p) => seen.push(p)) as unknown as { onmessage: (p: Progress) => void };
    channel.onmessage(progress("uploading", 1, 10, "relais-pau"));
    channel.onmessage(progress("uploading", 1, 10, "relais-bordeaux")); // another server: passed
    channel.onmessage(progress("uploading", 2, 10, "relais-pau")); // too soon for this one
    channel.onmessage(progress("done", 10, 10, "relais-pau")); // the end always passes
    expect(seen.map((p) => `${p.current}:${p.done}`)).toEqual(["relais-pau:1", "relais-bordeaux:1", "relais-pau:10"]);
  });
});
