// Temporal's UI components are styled with Tailwind classes and the package's own theme plugin.
const path = require('path');
const ui = path.join(__dirname, 'node_modules/@temporalio/ui');
const theme = require(path.join(ui, 'dist/theme/plugin.js'));

module.exports = {
  content: ['./src/**/*.{html,js,svelte}', path.join(ui, 'dist/**/*.{html,js,svelte}')],
  darkMode: ['selector', '[data-theme="dark"]'],
  theme: {
    fontFamily: {
      sans: ['Inter', 'ui-sans-serif', 'system-ui', 'sans-serif'],
      mono: ['Noto Sans Mono', 'ui-monospace', 'monospace'],
    },
  },
  plugins: [theme.default, theme.textStyles],
};
