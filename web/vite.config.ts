import { defineConfig } from "vite";

// The UI is served by `decree serve` from web/dist; in development, `npx vite web` proxies the API to it.
export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  server: { proxy: { "^/(?!src/|@|node_modules/|assets/).*": "http://127.0.0.1:8080" } },
});
