// Vite build of the evident web app. `npm run build` writes dist/, which `evident serve` embeds and serves:
// GET / -> dist/index.html, GET /static/PATH -> dist/PATH. File names carry no hashes so that the committed
// dist/ changes only where the app changes.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  base: '/static/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: 'assets/app.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: (info) => ((info.name || '').endsWith('.css') ? 'assets/app.css' : 'assets/[name][extname]'),
      },
    },
  },
  // `npm run dev` forwards the API to a server started with `evident serve --reviews DIR --port 8080`.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
