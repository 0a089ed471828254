// Runs the Tauri CLI from ui/ with the app in ../src-tauri (the CLI only looks in and below the current folder).
import { fileURLToPath } from "node:url";
import path from "node:path";
import { run } from "@tauri-apps/cli";

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.TAURI_APP_PATH ??= path.resolve(here, "../src-tauri");
process.env.TAURI_FRONTEND_PATH ??= here;
await run(process.argv.slice(2), "npm run tauri");
