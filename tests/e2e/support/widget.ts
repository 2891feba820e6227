/**
 * The `<voice-rag>` element as a visitor and the public API see it: its `::part()`s (Playwright's
 * CSS locators pierce open shadow roots) and the texts they show.
 */
import type { Locator, Page } from 'playwright-core';

/** Locators for the parts of the widget docs/WIDGET.md documents. */
export function widget(page: Page, nth = 0) {
  const host = page.locator('voice-rag').nth(nth);
  const part = (name: string) => host.locator(`[part~="${name}"]`);
  return {
    host,
    micButton: part('mic-button').first(),
    textInput: part('text-input').first(),
    transcript: part('transcript').first(),
    citations: part('citations'),
    status: part('status').first(),
  };
}

/** Types `text` into the widget's text box and sends it with Enter. */
export async function askByText(page: Page, text: string, nth = 0): Promise<void> {
  const { textInput } = widget(page, nth);
  const tag = await textInput.evaluate((el) => el.tagName);
  const field = tag === 'INPUT' || tag === 'TEXTAREA' ? textInput : textInput.locator('input, textarea').first();
  await field.fill(text);
  await field.press('Enter');
}

/** The links of every citations list, as `{href, text}`. */
export async function citationLinks(page: Page, nth = 0): Promise<{ href: string; text: string }[]> {
  return widget(page, nth).citations.locator('a').evaluateAll((links) =>
    links.map((a) => ({ href: (a as HTMLAnchorElement).href, text: (a.textContent ?? '').trim() })),
  );
}

/** The visible text of the transcript part. */
export async function transcriptText(page: Page, nth = 0): Promise<string> {
  return (await widget(page, nth).transcript.innerText()).trim();
}
