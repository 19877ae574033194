/// <reference lib="dom" />
/**
 * Page helpers of the browser suite (editor*.ts): adding nodes from the palette, opening dialogs,
 * reading TypedInputs, "test connection", deploying; and the editor globals they read.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** An i18n key the editor shows when a message is missing, e.g. `ameyo-click-to-dial.label.phone`. */
export const RAW_KEY = /[\w@/:-]+\.(label|operations|options|test|paletteLabel|outputLabels|help)\.[\w.-]+/;

export interface RedNode {
  id: string;
  z?: string;
  name?: string;
  config?: string;
  type: string;
}
export interface RedWin {
  RED: {
    nodes: {
      node(id: string): unknown;
      getType(t: string): unknown;
      filterNodes(f: Record<string, unknown>): RedNode[];
      workspace(id: string): { id: string; label: string } | undefined;
      dirty(): boolean;
    };
    view: { selection(): { nodes?: RedNode[] } };
    editor: { edit(n: unknown): void; editConfig(name: string, type: string, id: string): void };
    sidebar: { show(t: string): void; help: { show(t: string): void } };
    workspaces: { show(id: string): void };
  };
}

/** Drags a node from the palette onto the workspace; returns the new node's id. */
export async function addFromPalette(page: Page, type: string, y: number): Promise<string> {
  const before = await page.evaluate((t) => (window as never as RedWin).RED.nodes.filterNodes({ type: t }).map((n) => n.id), type);
  const item = page.locator(`#red-ui-palette-contact_center .red-ui-palette-node[data-palette-type="${type}"]`);
  await item.scrollIntoViewIfNeeded();
  await item.dragTo(page.locator('#red-ui-workspace-chart'), { targetPosition: { x: 250 + (y % 3) * 10, y: Math.min(y, 700) } });
  await page.waitForFunction(([t, n]) => (window as never as RedWin).RED.nodes.filterNodes({ type: t }).length > n, [type, before.length] as const);
  const after = await page.evaluate((t) => (window as never as RedWin).RED.nodes.filterNodes({ type: t }).map((n) => n.id), type);
  const id = after.find((i) => !before.includes(i));
  assert.ok(id, `${type} was not added by dragging it from the palette`);
  return id;
}

/** Opens a node's edit dialog by double-clicking it on the workspace. */
export async function openNodeDialog(page: Page, id: string): Promise<void> {
  await page.locator(`g[id="${id}"] .red-ui-flow-node`).first().dblclick();
  await page.waitForSelector('#node-input-name', { state: 'visible' });
  await page.waitForSelector('#node-dialog-ok', { state: 'visible' });
  await trayOpened(page);
}

export async function openConfigDialog(page: Page, type: string, id: string): Promise<void> {
  await page.evaluate(([t, i]) => (window as never as RedWin).RED.editor.editConfig('', t, i), [type, id] as const);
  await page.waitForSelector('#node-config-input-url', { state: 'visible' });
  await page.waitForSelector('#node-config-dialog-ok', { state: 'visible' });
  await trayOpened(page);
}

/**
 * Waits until the editor has finished opening the top tray. Node-RED focuses the tray's first
 * field 150 ms after it slides in; a `fill('')` (select, then Delete) caught in between deletes
 * in the wrong field. Seen on CI under load: an emptied URL stayed filled and was not marked.
 */
export async function trayOpened(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const trays = document.querySelectorAll('.red-ui-tray');
      const top = trays[trays.length - 1];
      return Boolean(top && document.activeElement && top.querySelector('.red-ui-tray-body')?.contains(document.activeElement));
    },
    undefined,
    { timeout: 10000 },
  );
}

/** The types a TypedInput offers, read from its menu as the user sees it. */
export async function typesFromMenu(page: Page, name: string): Promise<string[]> {
  const container = page.locator(`#node-input-${name} + .red-ui-typedInput-container`);
  const menu = page.locator('.red-ui-typedInput-options:visible');
  // On a loaded machine the first click can land before the widget listens: try again.
  for (let attempt = 1; ; attempt++) {
    await container.locator('button.red-ui-typedInput-type-select').click();
    try {
      await menu.waitFor({ timeout: 5000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  const values = await menu.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('value') ?? ''));
  // Close it by choosing the type it already has (Escape would close the whole dialog).
  const current = await page.locator(`#node-input-${name}Type`).inputValue();
  await menu.locator(`a[value="${current}"]`).click();
  await menu.waitFor({ state: 'hidden' });
  return values;
}

/** The types a TypedInput offers, from the widget. */
export function typesOf(page: Page, name: string): Promise<string[]> {
  return page.evaluate((n) => {
    const w = $('#node-input-' + n).data('nodered-typedInput') as { typeList: Array<{ value: string }> } | undefined;
    return w ? w.typeList.map((t) => t.value) : [];
  }, name);
}

export async function testConnection(page: Page): Promise<string> {
  await page.evaluate(() => $('#cc-glue-test-result').text(''));
  await page.click('#cc-glue-test-button');
  await page.waitForFunction(() => {
    const t = $('#cc-glue-test-result').text();
    return t.length > 1 && t !== '…';
  });
  return (await page.locator('#cc-glue-test-result').textContent()) ?? '';
}

export async function clickDeploy(page: Page): Promise<void> {
  await page.click('#red-ui-header-button-deploy');
  const confirm = page.locator('#node-dialog-confirm-deploy-deploy');
  await page.waitForTimeout(300);
  assert.equal(await confirm.isVisible(), false, 'Deploy asks for confirmation (invalid or unconfigured nodes)');
  await page.waitForFunction(() => !(window as never as RedWin).RED.nodes.dirty());
  // Node-RED answers the deploy before the flows have started.
  await page.waitForTimeout(300);
}

declare const $: JQueryLike;
/** What the page helpers use of jQuery (declare `$` as this in a module whose page callbacks use it). */
export interface JQueryLike {
  (sel: unknown): {
    closest(s: string): { is(s: string): boolean };
    typedInput(...a: unknown[]): ReturnType<JQueryLike>;
    trigger(e: string): void;
    next(s: string): { hasClass(c: string): boolean };
    hasClass(c: string): boolean;
    text(): string;
    text(t: string): void;
    data(k: string): unknown;
  };
}
