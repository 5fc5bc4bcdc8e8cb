// Browser tests open their pages here so that every wait has room: CI runs all the packages' browser suites at
// once on two cores, where a page that is ready in 5 s alone can take a minute (Playwright's default is 30 s).
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

/** How long a browser test's waits (selectors, functions, navigations) may take before they fail. */
export const PAGE_WAIT_MS = 100_000;

/** A new page in a context of its own whose waits allow PAGE_WAIT_MS; closing the page closes the context. */
export async function openPage(browser: Browser, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(PAGE_WAIT_MS);
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  return page;
}
