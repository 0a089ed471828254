// Tauri's native drag and drop (WebKitGTK gives the page no file paths): hover on the drop zone, and a dropped
// folder is analysed when the window is on the start or analysis screen.
import type { DragDropEvent } from "@tauri-apps/api/webview";
import { nav } from "./nav.svelte";
import { studio } from "./studio.svelte";

export function handleDragDrop(event: { payload: DragDropEvent }): void {
  const p = event.payload;
  studio.dropHover = p.type === "enter" || p.type === "over";
  if (p.type !== "drop" || p.paths.length === 0 || studio.busy) return;
  if (nav.screen === "start" || nav.screen === "analysis") void studio.analyze(p.paths[0]);
}
