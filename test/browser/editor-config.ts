/// <reference lib="dom" />
/**
 * Browser suite: the config node dialogs of every set (credentials, validation marks) and "test connection".
 */
import * as assert from 'node:assert/strict';
import { RAW_KEY, openConfigDialog, testConnection, type RedWin } from './page';
import { sets, type EditorSession } from './session';
import { message } from './support';

export function configDialogTests(ed: EditorSession): void {
  const { shot, noPageErrors } = ed;
  for (const setInfo of sets) {
    const { specs } = setInfo;
    for (const c of specs.config) {
      it(`${c.type}: credentials show the placeholder after deploy, never the value; URL and numbers accept \${ENV}`, async () => {
        await openConfigDialog(ed.page, c.type, `bt-${c.type}`);
        noPageErrors(`opening the ${c.type} dialog`);
        const secrets = Object.values(ed.sims.credentials[c.type] ?? {});
        for (const cred of c.credentials) {
          assert.equal(await ed.page.locator(`#node-config-input-${cred}`).getAttribute('type'), 'password', `${c.type}.${cred} input type`);
          const value = await ed.page.inputValue(`#node-config-input-${cred}`);
          if (ed.sims.credentials[c.type]?.[cred]) assert.equal(value, '__PWRD__', `${c.type}.${cred} does not show the placeholder`);
        }
        // No credential value in the dialog's fields or in the editor's copy of the node.
        const shown = await ed.page.evaluate((id) => {
          const values = Array.from(document.querySelectorAll('.red-ui-tray input, .red-ui-tray textarea')).map((e) => (e as HTMLInputElement).value);
          const n = (window as never as RedWin).RED.nodes.node(id) as Record<string, unknown>;
          const own = Object.fromEntries(Object.entries(n).filter(([, v]) => v === null || typeof v !== 'object'));
          return values.join('\n') + '\n' + JSON.stringify({ ...own, credentials: n.credentials });
        }, `bt-${c.type}`);
        for (const s of secrets) assert.ok(!shown.includes(s), `${c.type}: a credential value is in the editor`);
        const texts = await ed.page.evaluate(() =>
          Array.from(document.querySelectorAll('.red-ui-tray:last-of-type label')).map((e) => (e.textContent ?? '').trim()),
        );
        for (const t of texts) assert.doesNotMatch(t, RAW_KEY, `${c.type}: raw i18n key`);
        for (const s of c.settings.filter((x) => x.name !== 'name')) {
          assert.equal(
            (await ed.page.locator(`label[for="node-config-input-${s.name}"]`).textContent())?.trim(),
            message(setInfo.messages, `${c.type}.label.${s.name}`),
          );
        }
        // Validation marks: an empty URL is marked, ${ENV} is accepted; the same for a number.
        const marked = async (field: string, value: string): Promise<boolean> => {
          await ed.page.fill(`#node-config-input-${field}`, value);
          assert.equal(await ed.page.inputValue(`#node-config-input-${field}`), value, `${c.type}: the ${field} field did not take the typed value`);
          await ed.page.locator(`#node-config-input-${field}`).dispatchEvent('change');
          return ed.page.locator(`#node-config-input-${field}`).evaluate((e) => e.classList.contains('input-error'));
        };
        const url = await ed.page.inputValue('#node-config-input-url');
        const urlRequired = c.settings.find((x) => x.name === 'url')?.required === true;
        assert.equal(await marked('url', ''), urlRequired, `${c.type}: empty URL ${urlRequired ? 'not ' : ''}marked`);
        assert.equal(await marked('url', '${CC_URL}'), false, `${c.type}: \${CC_URL} marked invalid`);
        await ed.page.fill('#node-config-input-url', url);
        const timeout = await ed.page.inputValue('#node-config-input-timeout');
        assert.equal(await marked('timeout', 'soon'), true, `${c.type}: timeout "soon" not marked`);
        assert.equal(await marked('timeout', '${CC_TIMEOUT}'), false, `${c.type}: \${CC_TIMEOUT} marked invalid`);
        await ed.page.fill('#node-config-input-timeout', timeout);
        await ed.page.click('#node-config-dialog-cancel');
        await ed.page.waitForSelector('#node-config-dialog-cancel', { state: 'detached' });
        noPageErrors(`the ${c.type} dialog`);
      });

      if (c.testConnection) {
        it(`${c.type}: "test connection" reports success against the simulator and AUTH_FAILED with a bad credential`, async () => {
          await openConfigDialog(ed.page, c.type, `bt-${c.type}`);
          assert.equal(
            await ed.page
              .locator('#cc-glue-test-button')
              .textContent()
              .then((t) => t?.trim()),
            message(setInfo.messages, `${c.type}.test.button`),
          );
          const ok = await testConnection(ed.page);
          assert.equal(ok, message(setInfo.messages, `${c.type}.test.ok`), `${c.type} test connection against the simulator`);
          if (c === specs.config[0] && setInfo === sets.find((x) => x.specs.config.some((y) => y.testConnection))) {
            await shot(`config-${setInfo.set}.png`, ed.page.locator('.red-ui-tray').last());
          }
          const cred = c.credentials[c.credentials.length - 1];
          await ed.page.fill(`#node-config-input-${cred}`, 'browser-wrong-credential');
          const bad = await testConnection(ed.page);
          assert.match(bad, /^AUTH_FAILED: /, `${c.type} with a wrong ${cred}`);
          assert.ok(!bad.includes('browser-wrong-credential'), 'the credential is echoed');
          await ed.page.click('#node-config-dialog-cancel');
          await ed.page.waitForSelector('#node-config-dialog-cancel', { state: 'detached' });
          noPageErrors(`testing ${c.type}`);
        });
      }
    }
  }
}
