// Screenshots of Sundial's web UI for the examples' READMEs (a maintainer's tool, not a test):
//   node examples/support/tools/screenshot.js <ui base URL> <path> <out.png> [<path> <out.png> ...]
// Uses playwright-core from compat-tests-ts (npm ci there) and Debian's chromium.
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../../compat-tests-ts/node_modules/playwright-core'));

(async () => {
  const [base, ...pairs] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.SUNDIAL_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  for (let i = 0; i < pairs.length; i += 2) {
    await page.goto(base + pairs[i]);
    await page.waitForLoadState('load');
    await page.waitForTimeout(2500); // let the UI's tables settle before the picture
    await page.screenshot({ path: pairs[i + 1] });
    console.log('wrote', pairs[i + 1]);
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
