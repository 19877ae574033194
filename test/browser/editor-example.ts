/// <reference lib="dom" />
/**
 * Browser suite: the Ameyo example imported through Import → Examples, deployed and run.
 */
import * as assert from 'node:assert/strict';
import { clickDeploy, openConfigDialog, type RedNode, type RedWin } from './page';
import type { EditorSession } from './session';
import { exampleNodes } from './support';

export function exampleImportTest(ed: EditorSession): void {
  const { shot, noPageErrors } = ed;
  it('imports the Ameyo example through Import → Examples, deploys it and shows its debug output', async () => {
    const ameyo = ed.sims.sims.get('ameyo');
    assert.ok(ameyo, 'Ameyo simulator');
    const example = exampleNodes('ameyo')[0];
    await ed.page.click('#red-ui-header-button-sidemenu');
    await ed.page.click('#menu-item-import');
    await ed.page.click('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a');
    const tree = ed.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await tree.getByText('@cc-glue/node-red-contact-center', { exact: true }).click();
    await tree.getByText('ameyo', { exact: true }).click();
    await tree.getByText(example.file.replace(/\.json$/, ''), { exact: true }).click();
    await ed.page.click('#red-ui-clipboard-dialog-ok');
    const tabLabel = String(example.nodes.find((n) => n.type === 'tab')?.label);
    await ed.page.waitForFunction(
      (l) =>
        (window as never as RedWin).RED.nodes
          .filterNodes({ type: 'ameyo-click-to-dial' })
          .some((n) => n.z && (window as never as RedWin).RED.nodes.workspace(String(n.z))?.label === l),
      tabLabel,
    );
    // The example's server node has no credential (never exported): enter the simulator's.
    const cfg = await ed.page.evaluate((l) => {
      const R = (window as never as RedWin).RED;
      const tab = R.nodes
        .filterNodes({ type: 'ameyo-click-to-dial' })
        .map((n) => R.nodes.workspace(String(n.z)))
        .find((w) => w?.label === l);
      const dial = R.nodes.filterNodes({ type: 'ameyo-click-to-dial' }).find((n) => n.z === tab?.id);
      return String(dial?.config);
    }, tabLabel);
    await openConfigDialog(ed.page, 'ameyo-config', cfg);
    await ed.page.fill('#node-config-input-url', ameyo!.url);
    await ed.page.fill('#node-config-input-hashKey', ed.sims.credentials['ameyo-config'].hashKey);
    await ed.page.click('#node-config-dialog-ok');
    await ed.page.waitForSelector('#node-config-dialog-ok', { state: 'detached' });
    await clickDeploy(ed.page);
    noPageErrors('importing and deploying the example');

    const inject = example.nodes.find((n) => n.type === 'inject')!;
    const injectId = await ed.page.evaluate(
      ([name, l]) => {
        const R = (window as never as RedWin).RED;
        return String(R.nodes.filterNodes({ type: 'inject' }).find((n) => n.name === name && R.nodes.workspace(String(n.z))?.label === l)?.id);
      },
      [String(inject.name), tabLabel],
    );
    await ed.page.evaluate((id) => {
      const R = (window as never as RedWin).RED;
      R.workspaces.show(String((R.nodes.node(id) as RedNode).z));
      R.sidebar.show('debug');
    }, injectId);
    await ed.page.locator(`g[id="${injectId}"] .red-ui-flow-node-button-button`).click();
    const debug = ed.page.locator('.red-ui-debug-msg').filter({ hasText: 'connected: the agent talks to the customer' }).first();
    await debug.waitFor();
    const text = (await debug.textContent()) ?? '';
    assert.match(text, /connected/, text);
    assert.equal(ameyo!.server.requests.filter((r) => r.path.includes('ameyowebaccess')).length >= 1, true);
    await ed.page.evaluate(() => document.querySelectorAll('.red-ui-notification').forEach((e) => e.remove()));
    await shot('example-flow.png');
    noPageErrors('running the example');
  });
}
