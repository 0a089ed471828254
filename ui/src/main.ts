// The studio window: a Svelte view over the core's commands (bindings.ts is generated from the Rust side).
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { mount } from "svelte";
import App from "./App.svelte";
import { handleDragDrop } from "./lib/dragdrop";
import { init } from "./lib/state.svelte";

async function start(): Promise<void> {
  try {
    // The default output folder and the saved servers, before the first drawing.
    await init();
  } catch (e) {
    console.error("OCS Package Studio: start-up data unavailable", e);
  }
  mount(App, { target: document.getElementById("app")! });
  await getCurrentWebview().onDragDropEvent(handleDragDrop);
}

void start();
