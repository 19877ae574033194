/// <reference lib="dom" />
/**
 * The editor experience in a real browser (Playwright driving Debian's Chromium) against Node-RED
 * 4.1 (Node 20) and Node-RED 5 (Node 22), each started from the packed tarball with every
 * simulator running. Covers every node set package.json registers: palette, edit dialogs (labels,
 * TypedInput types, operation-dependent rows, validation marks, saving), credentials after deploy,
 * help sidebar, "test connection", and an example imported through Import → Examples.
 * Screenshots for the README go to docs/screenshots/ (from the Node-RED 4.1 run) only when SCREENSHOTS=1
 * (`npm run screenshots`), so that `npm test` leaves the tree as it was.
 * One session per runtime (session.ts); the tests by topic in editor-dialogs.ts, editor-config.ts,
 * editor-help.ts and editor-example.ts; page helpers in page.ts.
 */
import * as assert from 'node:assert/strict';
import { nodeRed4, nodeRed5, type Runtime } from '../support/nodered';
import { configDialogTests } from './editor-config';
import { nodeDialogTests } from './editor-dialogs';
import { exampleImportTest } from './editor-example';
import { helpAndLanguageTests } from './editor-help';
import type { RedWin } from './page';
import { editorSession, sets } from './session';
import { CONTRACT_TYPES, message } from './support';

for (const [label, runtime, screenshots] of [
  // Screenshots only when asked (`npm run screenshots` sets SCREENSHOTS=1): a test run leaves the tree clean.
  ['Node-RED 4.1 on Node 20', nodeRed4, process.env.SCREENSHOTS === '1'],
  ['Node-RED 5 on Node 22', nodeRed5, false],
] as Array<[string, () => Runtime, boolean]>) {
  describe(`editor in Chromium: ${label}`, function () {
    this.timeout(60000);
    const ed = editorSession(label, runtime, screenshots);
    const { shot, noPageErrors } = ed;

    it('lists every contract node type in the palette under "contact center"', async () => {
      const palette = await ed.page.evaluate(() => {
        const cat = document.getElementById('red-ui-palette-contact_center');
        return {
          header: document.querySelector('#red-ui-palette-container-contact_center .red-ui-palette-header')?.textContent?.trim() ?? '',
          types: Array.from(cat?.querySelectorAll('.red-ui-palette-node') ?? []).map((n) => ({
            type: n.getAttribute('data-palette-type') ?? '',
            label: n.getAttribute('data-palette-label') ?? '',
          })),
        };
      });
      assert.equal(palette.header, 'contact center');
      const types = palette.types.map((t) => t.type);
      for (const { set, specs, messages } of sets) {
        const contract = (CONTRACT_TYPES[set] ?? []).filter((t) => !specs.config.some((c) => c.type === t));
        for (const t of [...contract, ...specs.nodes.map((n) => n.type)]) {
          assert.ok(types.includes(t), `${t} (${set}) is not in the contact center palette: ${types.join(', ')}`);
          const shown = palette.types.find((p) => p.type === t)?.label;
          assert.equal(shown, message(messages, `${t}.paletteLabel`), `${t} palette label`);
        }
        // Config nodes are not in the palette but are registered.
        for (const c of specs.config) assert.ok(await ed.page.evaluate((t) => Boolean((window as never as RedWin).RED.nodes.getType(t)), c.type), c.type);
      }
      if (screenshots) {
        // The whole category in one picture: other categories folded, a taller window for a moment.
        const folded = await ed.page.evaluate(() =>
          Array.from(document.querySelectorAll('.red-ui-palette-header i.expanded'))
            .map((i) => i.parentElement as HTMLElement)
            .filter((h) => h.id !== 'red-ui-palette-header-contact_center')
            .map((h) => (h.click(), h.id)),
        );
        await ed.page.setViewportSize({ width: 1400, height: 1300 });
        await ed.page.evaluate(() => document.getElementById('red-ui-palette-container-contact_center')?.scrollIntoView());
        await shot('palette.png', ed.page.locator('#red-ui-palette-container-contact_center'));
        await ed.page.setViewportSize({ width: 1400, height: 900 });
        await ed.page.evaluate((ids) => ids.forEach((id) => document.getElementById(id)?.click()), folded);
      }
      noPageErrors('the palette');
    });

    nodeDialogTests(ed);
    configDialogTests(ed);
    helpAndLanguageTests(ed);
    exampleImportTest(ed);
  });
}
