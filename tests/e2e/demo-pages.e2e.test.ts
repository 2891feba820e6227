// The demo site itself: pages pass an automated accessibility check in light and dark, the
// sidebar opens from the menu button on a phone, and a page loads nothing but its own files.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { snap } from './support/browser.js';
import { useStack } from './support/harness.js';

const TEST = 'demo-pages';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const stack = useStack(TEST);

describe('demo pages', () => {
  for (const [path, scheme] of [
    ['index.html', 'light'],
    ['sync.html', 'dark'],
    ['ja/index.html', 'light'],
  ] as const) {
    it(`${path} in ${scheme} mode has no axe violations (WCAG 2 A/AA) in the page's own markup`, async () => {
      const { page, consoleErrors } = await stack.open(path);
      await page.emulateMedia({ colorScheme: scheme });
      await page.addScriptTag({ path: axePath });
      // The widget is checked by its own browser tests; here the page around it.
      const result = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
        const report = await axe.run({ exclude: [['voice-rag']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
        return report.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
      });
      expect(result).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await snap(page, TEST, `${path.replace(/[/.]/g, '-')}-${scheme}`, 'page');
    });
  }

  it('opens the sidebar from the menu button on a narrow screen', async () => {
    const { page } = await stack.open('sync.html', { viewport: { width: 390, height: 844 } });
    const sidebar = page.locator('#site-nav');
    await expect(sidebar.isVisible()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(sidebar.isVisible()).resolves.toBe(true);
    await expect(sidebar.locator('a[aria-current="page"]').innerText()).resolves.toBe('How sync works');
    await snap(page, TEST, 'mobile-menu-open', 'page');
  });

  it('links every language home to the other and shows the page in its language', async () => {
    const { page } = await stack.open('ja/sync.html');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ja');
    await expect(page.locator('voice-rag').getAttribute('lang')).resolves.toBe('ja');
    await expect(page.locator('voice-rag').getAttribute('mode')).resolves.toBe('floating');
    await page.locator('.header-links a[hreflang="en"]').click();
    await page.waitForURL(/\/demo\/index\.html$/);
    await expect(page.locator('.hero voice-rag').getAttribute('mode')).resolves.toBe('inline');
  });
});
