/// <reference lib="dom" />
/**
 * Browser suite: the edit dialog of every flow node (labels, TypedInputs, operation rows, saving),
 * validation marks and deploying what the dialogs saved.
 */
import * as assert from 'node:assert/strict';
import { TYPES } from '../../nodes/shared/spec';
import { RAW_KEY, addFromPalette, clickDeploy, openNodeDialog, typesFromMenu, typesOf, type JQueryLike, type RedNode, type RedWin } from './page';
import { flowNodes, type EditorSession } from './session';
import { message } from './support';

const screenshotTaken = new Set<string>();

declare const $: JQueryLike;

export function nodeDialogTests(ed: EditorSession): void {
  const { added, shot, noPageErrors } = ed;
  for (const { set, spec } of flowNodes) {
    it(`${spec.type}: dialog opens translated, with the expected TypedInputs and operation rows, and saves`, async () => {
      const id = await addFromPalette(ed.page, spec.type, 200 + 40 * added.size);
      added.set(spec.type, id);
      await openNodeDialog(ed.page, id);
      noPageErrors(`opening the ${spec.type} dialog`);

      // Labels and options come from the locale file, never raw keys.
      const texts = await ed.page.evaluate(() =>
        Array.from(document.querySelectorAll('#dialog-form label, #dialog-form option, #dialog-form [data-i18n]')).map((e) =>
          (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
      );
      for (const t of texts) assert.doesNotMatch(t, RAW_KEY, `${spec.type}: raw i18n key in the dialog`);
      const labels = await ed.page.evaluate(() =>
        Array.from(document.querySelectorAll('#dialog-form .form-row > label')).map((e) => (e.textContent ?? '').trim()),
      );
      for (const l of labels) assert.ok(l.length > 0, `${spec.type}: a field without a label`);
      for (const p of spec.params) {
        const shown = await ed.page.locator(`label[for="node-input-${p.name}"]`).textContent();
        assert.equal(shown?.trim(), message(set.messages, `${spec.type}.label.${p.name}`), `${spec.type}.${p.name} label`);
      }

      // Every parameter is a TypedInput offering its kind's types (the first through its menu).
      for (const [i, p] of spec.params.entries()) {
        const offered = i === 0 ? await typesFromMenu(ed.page, p.name) : await typesOf(ed.page, p.name);
        assert.deepEqual(offered, [...TYPES[p.kind]], `${spec.type}.${p.name} (${p.kind}) types`);
      }

      // One dialog per vendor for the README (the first with operations, else the first with parameters).
      if (!screenshotTaken.has(set.set) && spec.params.length > 0 && (spec.operations || set.specs.nodes.every((n) => !n.operations))) {
        screenshotTaken.add(set.set);
        await shot(`dialog-${set.set}.png`, ed.page.locator('.red-ui-tray').last());
      }

      // The operation shows its fields and hides the others.
      if (spec.operations) {
        const options = await ed.page.locator('#node-input-operation option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
        assert.deepEqual(options, [...spec.operations, ...(spec.operationFromMsg ? ['msg'] : [])]);
        for (const op of spec.operations) {
          await ed.page.selectOption('#node-input-operation', op);
          for (const p of [...spec.params, ...(spec.settings ?? [])]) {
            const visible = await ed.page.locator(`#node-input-${p.name}`).evaluate((e) => $(e).closest('.form-row').is(':visible'));
            assert.equal(visible, !p.operations || p.operations.includes(op), `${spec.type} ${op}: row ${p.name}`);
          }
        }
      }

      // Saving keeps what was entered; the node is valid with its config preselected.
      const op = spec.operations?.[spec.operations.length - 1];
      if (op) await ed.page.selectOption('#node-input-operation', op);
      // The one server of the vendor is preselected.
      if (spec.config) assert.equal(await ed.page.inputValue('#node-input-config'), `bt-${spec.config}`, `${spec.type}: server not preselected`);
      await ed.page.fill('#node-input-name', `browser ${spec.type}`);
      await ed.page.click('#node-dialog-ok');
      await ed.page.waitForSelector('#node-dialog-ok', { state: 'detached' });
      const saved = await ed.page.evaluate((nid) => {
        const n = (window as never as RedWin).RED.nodes.node(nid) as Record<string, unknown>;
        return { name: n.name, operation: n.operation, config: n.config, valid: n.valid, changed: n.changed };
      }, id);
      assert.equal(saved.name, `browser ${spec.type}`);
      assert.equal(saved.changed, true);
      if (op) assert.equal(saved.operation, op);
      if (spec.config) assert.equal(saved.config, `bt-${spec.config}`);
      assert.equal(saved.valid, true, `${spec.type} is marked invalid after saving with its defaults`);
      // On the workspace: the name; without one, "<vendor>: <operation>" or the palette label.
      const shownLabel = await ed.page.locator(`g[id="${id}"] .red-ui-flow-node-label`).first().textContent();
      assert.equal(shownLabel?.replace(/\s+/g, ' ').trim(), `browser ${spec.type}`);
      const unnamed = await ed.page.evaluate((nid) => {
        const R = (window as never as RedWin).RED;
        const n = R.nodes.node(nid) as RedNode;
        const def = R.nodes.getType(n.type) as { label: (this: unknown) => string };
        return def.label.call({ ...n, name: '', _: (n as unknown as { _: unknown })._ });
      }, id);
      const opLabel = op ? message(set.messages, `${spec.type}.operations.${op}`) : undefined;
      assert.equal(unnamed, op ? `${spec.vendor}: ${opLabel}` : message(set.messages, `${spec.type}.paletteLabel`), `${spec.type} label`);
      noPageErrors(`saving ${spec.type}`);
    });
  }

  it('marks an empty required parameter invalid and accepts an environment variable', async () => {
    const target = flowNodes.find(({ spec }) => spec.params.some((p) => p.required === true) && added.has(spec.type));
    assert.ok(target, 'no node with an always-required parameter (Ameyo click-to-dial has three)');
    const { spec } = target;
    const p = spec.params.find((q) => q.required === true)!;
    await openNodeDialog(ed.page, added.get(spec.type)!);
    // Each step flips the mark, so waiting for the expected state cannot pass early.
    const steps: Array<[string, string, boolean]> = [
      ['str', '', true],
      ['str', '${CC_PHONE}', false],
      ['msg', '', true],
      ['env', 'CC_PHONE', false],
    ];
    for (const [type, value, marked] of steps) {
      await ed.page.evaluate(
        ([name, t, v]) => {
          $('#node-input-' + name)
            .typedInput('type', t)
            .typedInput('value', v);
          $('#node-input-' + name).trigger('change');
        },
        [p.name, type, value] as const,
      );
      await ed.page.waitForFunction(
        ([name, m]) =>
          $('#node-input-' + name)
            .next('.red-ui-typedInput-container')
            .hasClass('input-error') === m,
        [p.name, marked] as const,
        { timeout: 5000 },
      );
    }
    await ed.page.click('#node-dialog-cancel');
    await ed.page.waitForSelector('#node-dialog-cancel', { state: 'detached' });
  });

  it('deploys the nodes the dialogs saved', async () => {
    await clickDeploy(ed.page);
    const flows = (await (await fetch(ed.red.url + '/flows')).json()) as Array<Record<string, unknown>>;
    for (const [type, id] of added) {
      const n = flows.find((f) => f.id === id);
      assert.ok(n, `${type} not deployed`);
      assert.equal(n.name, `browser ${type}`);
    }
    noPageErrors('deploying');
  });
}
