/**
 * One editor session of the browser suite (editor.test.ts): the simulators, Node-RED started from
 * the packed tarball with the base config nodes deployed, Chromium with the editor open; page errors
 * collected, dialogs left open by a failed test closed, screenshots when asked.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, deploy, freePort, makeUserDir, startNodeRed, type RunningNodeRed, type Runtime } from '../support/nodered';
import {
  EDITOR_SETTINGS,
  SCREENSHOTS,
  baseConfigNodes,
  launchChromium,
  nodeSets,
  openEditor,
  packedTarball,
  startSimulators,
  type NodeSet,
  type NodeSpec,
  type Simulators,
} from './support';

export const sets = nodeSets();
export const flowNodes: Array<{ set: NodeSet; spec: NodeSpec }> = sets.flatMap((s) => s.specs.nodes.map((spec) => ({ set: s, spec })));

export interface EditorSession {
  /** Set by the session's \`before\` hook. */
  readonly red: RunningNodeRed;
  readonly sims: Simulators;
  readonly browser: Browser;
  readonly page: Page;
  /** Whether this run takes the README's screenshots. */
  readonly screenshots: boolean;
  /** Ids of the nodes the dialog tests added, by type. */
  readonly added: Map<string, string>;
  shot(name: string, target?: { screenshot(o: { path: string }): Promise<unknown> }): Promise<void>;
  noPageErrors(what: string): void;
}

/** Registers the session's hooks (inside the runtime's `describe`) and returns it. */
export function editorSession(label: string, runtime: () => Runtime, screenshots: boolean): EditorSession {
  let red: RunningNodeRed;
  let sims: Simulators;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Ids of the nodes the dialog tests added, by type. */
  const added = new Map<string, string>();

  const shot = async (name: string, target?: { screenshot(o: { path: string }): Promise<unknown> }): Promise<void> => {
    if (!screenshots) return;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await (target ?? page).screenshot({ path: path.join(SCREENSHOTS, name) });
  };
  const noPageErrors = (what: string): void => {
    assert.deepEqual(pageErrors.splice(0), [], `page errors during ${what}`);
  };
  // The process, simulators, browser and page are filled in by \`before\`.
  const ed = { screenshots, added, shot, noPageErrors } as Partial<EditorSession> as EditorSession;

  before(async function () {
    this.timeout(180000);
    const rt = runtime();
    sims = await startSimulators();
    const userDir = makeUserDir(path.join(ROOT, '.cache', `browser-${label.replace(/\W+/g, '-')}`), packedTarball(), EDITOR_SETTINGS);
    red = await startNodeRed(rt, userDir, await freePort());
    await deploy(red.url, baseConfigNodes(sets, sims));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await openEditor(page, red.url);
    noPageErrors('loading the editor');
    Object.assign(ed, { red, sims, browser, page });
  });

  afterEach(async () => {
    // A failed test must not leave a TypedInput menu or its dialog open over the next one.
    await page?.evaluate(() => document.querySelectorAll<HTMLElement>('.red-ui-typedInput-options').forEach((m) => m.remove()));
    for (const cancel of ['#node-config-dialog-cancel', '#node-dialog-cancel', '#red-ui-clipboard-dialog-cancel']) {
      for (let i = 0; i < 3 && page && (await page.locator(cancel).first().isVisible()); i++) {
        await page.evaluate((sel) => (Array.from(document.querySelectorAll(sel)).pop() as HTMLElement | undefined)?.click(), cancel);
        await page.waitForTimeout(400);
      }
    }
    pageErrors.splice(0);
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    await sims?.close();
  });

  return ed;
}
