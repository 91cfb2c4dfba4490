import adapter from '@sveltejs/adapter-static';

// A static single-page app: the Sundial server serves build/ and answers every unknown path
// with index.html, where the client-side router takes over.
export default {
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
    prerender: { entries: [] },
  },
};
