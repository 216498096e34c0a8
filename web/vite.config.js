import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The page is served by bot/web.py from web/dist (make web builds it).
export default defineConfig({
  plugins: [react()],
  // @chatui/core's "browser" field points at its UMD bundle, whose default export is the whole module:
  // take its ES build instead.
  resolve: { alias: [{ find: /^@chatui\/core$/, replacement: "@chatui/core/es/index.js" }] },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
