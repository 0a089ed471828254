import { describe, expect, it, vi } from "vitest";
import { commands } from "../bindings";
import { settle } from "../test/fakes";
import { handleDragDrop } from "./dragdrop";
import { nav, studio } from "./state.svelte";

vi.mock("../bindings", async () => (await import("../test/fakes")).bindingsMock());
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakes")).coreMock());

const cmd = vi.mocked(commands);
const position = { x: 300, y: 200 } as never;

describe("native drag and drop", () => {
  it("marks the drop zone while a folder is dragged over the window", () => {
    handleDragDrop({ payload: { type: "enter", paths: ["/apps/A"], position } });
    expect(studio.dropHover).toBe(true);
    handleDragDrop({ payload: { type: "over", position } });
    expect(studio.dropHover).toBe(true);
    handleDragDrop({ payload: { type: "leave" } });
    expect(studio.dropHover).toBe(false);
  });

  it("opens the first dropped path from the start screen", async () => {
    handleDragDrop({ payload: { type: "enter", paths: ["/apps/A"], position } });
    handleDragDrop({ payload: { type: "drop", paths: ["/apps/A", "/apps/B"], position } });
    expect(studio.dropHover).toBe(false);
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledExactlyOnceWith("/apps/A");
    expect(nav.screen).toBe("analysis");
  });

  it("opens another folder from the analysis screen", async () => {
    nav.screen = "analysis";
    handleDragDrop({ payload: { type: "drop", paths: ["/apps/B"], position } });
    await settle();
    expect(cmd.openPackage).toHaveBeenCalledWith("/apps/B");
  });

  it("ignores a drop on the other screens, an empty drop, and a drop while the core works", async () => {
    for (const screen of ["build", "publish", "deploy", "results", "server"] as const) {
      nav.screen = screen;
      handleDragDrop({ payload: { type: "drop", paths: ["/apps/C"], position } });
    }
    nav.screen = "start";
    handleDragDrop({ payload: { type: "drop", paths: [], position } });
    studio.building = true;
    handleDragDrop({ payload: { type: "drop", paths: ["/apps/D"], position } });
    await settle();
    expect(cmd.openPackage).not.toHaveBeenCalled();
  });
});
