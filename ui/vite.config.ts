import { defineConfig } from "vite";

// Tauri serves the built files; the dev server is only for `npm run tauri dev`.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
});
