import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The UI calls the API on its own origin: VITE_API must exist and be empty.
  define: { 'import.meta.env.VITE_API': JSON.stringify('') },
  build: { chunkSizeWarningLimit: 8000, reportCompressedSize: false },
});
