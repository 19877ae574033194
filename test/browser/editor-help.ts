/// <reference lib="dom" />
/**
 * Browser suite: the help sidebar of every flow node, and the editor in German and Turkish.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../support/nodered';
import { addFromPalette, openNodeDialog, type RedWin } from './page';
import { flowNodes, sets, type EditorSession } from './session';
import { lookup, message, openEditor, plain } from './support';

/** A set's messages in one language as the build wrote them (dist/nodes/<set>/locales/<lang>). */
function localeMessages(set: string, lang: string): Record<string, unknown> {
  const file = path.join(ROOT, 'dist', 'nodes', set, 'locales', lang, `${set}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function helpAndLanguageTests(ed: EditorSession): void {
  const { noPageErrors } = ed;
  for (const { set, spec } of flowNodes) {
    it(`${spec.type}: the help sidebar shows its help`, async () => {
      await ed.page.evaluate((t) => (window as never as RedWin).RED.sidebar.help.show(t), spec.type);
      const title = await ed.page.locator('h1.red-ui-help-title').textContent();
      assert.equal(title?.trim(), message(set.messages, `${spec.type}.paletteLabel`));
      const help = plain(await ed.page.locator('h1.red-ui-help-title + .red-ui-help').innerHTML());
      const summary = plain(message(set.messages, `${spec.type}.help.summary`) ?? '');
      assert.ok(summary.length > 10, `${spec.type} has no help summary in en-US`);
      assert.ok(help.includes(summary.slice(0, 60)), `${spec.type}: help sidebar lacks the summary`);
      for (const p of spec.params) assert.ok(help.includes(p.name), `${spec.type}: help does not list ${p.name}`);
      // Every error code (docs/contract.md 1.3) for nodes that take messages; the outputs they set.
      const codes = ['INVALID_INPUT', 'NOT_CONFIGURED', 'AUTH_FAILED', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK', 'VENDOR_ERROR'];
      if (spec.inputs) for (const code of codes) assert.ok(help.includes(code), `${spec.type}: help lacks ${code}`);
      const outputs = Object.keys((lookup(set.messages, `${spec.type}.help.outputs`) as Record<string, string> | undefined) ?? {});
      for (const o of outputs) assert.ok(help.includes(`msg.${o}`), `${spec.type}: help lacks output msg.${o}`);
      if (spec.outputs > 0) assert.ok(outputs.length > 0, `${spec.type}: help lists no output`);
      noPageErrors(`the ${spec.type} help`);
    });
  }

  for (const [lang, locale] of [
    ['de', 'de-DE'],
    ['tr', 'tr-TR'],
  ]) {
    it(`speaks ${lang}: palette labels, dialog labels and help of every translated set in a ${locale} browser`, async () => {
      const translated = sets.filter((s) => fs.existsSync(path.join(ROOT, 'locales', lang, `${s.set}.json`)));
      assert.ok(
        translated.some((s) => s.set === 'ameyo'),
        `no ${lang} translation of Ameyo`,
      );
      const context = await ed.browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
      const p = await context.newPage();
      const errors: string[] = [];
      p.on('pageerror', (err) => errors.push(err.message));
      try {
        await openEditor(p, ed.red.url);
        for (const s of translated) {
          const messages = localeMessages(s.set, lang);
          for (const n of s.specs.nodes) {
            const label = await p.locator(`.red-ui-palette-node[data-palette-type="${n.type}"]`).getAttribute('data-palette-label');
            assert.equal(label?.replace(/\s+/g, ' ').trim(), message(messages, `${n.type}.paletteLabel`), `${lang} palette label of ${n.type}`);
            await p.evaluate((t) => (window as never as RedWin).RED.sidebar.help.show(t), n.type);
            const help = plain(await p.locator('h1.red-ui-help-title + .red-ui-help').innerHTML());
            assert.ok(help.includes(plain(message(messages, `${n.type}.help.summary`) ?? '-').slice(0, 50)), `${lang} help of ${n.type}`);
          }
          // One dialog per set: its labels in the language.
          const n = s.specs.nodes.find((x) => x.params.length > 0) ?? s.specs.nodes[0];
          const id = await addFromPalette(p, n.type, 300);
          await openNodeDialog(p, id);
          for (const q of n.params) {
            const shown = await p.locator(`label[for="node-input-${q.name}"]`).textContent();
            assert.equal(shown?.trim(), message(messages, `${n.type}.label.${q.name}`), `${lang} label ${n.type}.${q.name}`);
          }
          await p.click('#node-dialog-cancel');
          await p.waitForSelector('#node-dialog-cancel', { state: 'detached' });
        }
        assert.deepEqual(errors, [], `page errors in the ${lang} editor`);
      } finally {
        await context.close();
      }
    });
  }
}
