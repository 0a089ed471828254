import { describe, expect, it, vi } from "vitest";
import { commands, type Progress } from "../bindings";
import { err, progress } from "../test/fakes";
import { joinPath } from "./format";
import { progressChannelPer } from "./progress";
import { readTarget, targetText } from "./ssh.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

describe("SSH addresses", () => {
  it("are read by the core, its refusal passed on as it is", async () => {
    expect(await readTarget(" ocs@relais-pau.example.org:2222 ", "root")).toEqual({ target: { host: "relais-pau.example.org", port: 2222, user: "ocs" } });
    expect(vi.mocked(commands).sshParseTarget).toHaveBeenCalledWith(" ocs@relais-pau.example.org:2222 ", "root");
    vi.mocked(commands).sshParseTarget.mockResolvedValueOnce(err("bad_target", "'root@host:0' is not an SSH address (the port is not a number from 1 to 65535)"));
    expect(await readTarget("root@host:0")).toEqual({ error: { code: "bad_target", message: "'root@host:0' is not an SSH address (the port is not a number from 1 to 65535)" } });
    expect(vi.mocked(commands).sshParseTarget).toHaveBeenLastCalledWith("root@host:0", "");
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
