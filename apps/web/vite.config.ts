import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The proxy serves dist/ at `/`; in dev, vite forwards the relay and the API to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/ws': { target: 'http://127.0.0.1:8080', ws: true },
      '/api': { target: 'http://127.0.0.1:8080' },
    },
  },
})
