/**
 * Build-time generator of a node set's editor file and help text from its specs and locale
 * file. The output calls `RED.nodes.registerType('<type>', {...})` with a literal object
 * (the Flow Library reads node types from it) and uses no external script.
 */
import { TYPES, defaultWiring, type ConfigSpec, type NodeSpec, type ParamSpec, type SettingSpec } from './spec';

export interface SetSpecs {
  config: ConfigSpec[];
  nodes: NodeSpec[];
}

export type Locale = Record<string, unknown>;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const js = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** Function source kept as code inside a literal written by `jsWithFunctions`. */
class Code {
  constructor(readonly source: string) {}
}

/** Like `js`, but `Code` values are written as their source (validators in `defaults`). */
function jsWithFunctions(v: unknown): string {
  const code: string[] = [];
  const text = JSON.stringify(v, (_k, val: unknown) => (val instanceof Code ? `__cc_glue_code_${code.push(val.source) - 1}__` : val));
  return text.replace(/"__cc_glue_code_(\d+)__"/g, (_m, i: string) => code[Number(i)]).replace(/</g, '\\u003c');
}

/** The locale text at a dotted path, or undefined. */
function get(locale: Locale, path: string): string | undefined {
  let cur: unknown = locale;
  for (const k of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/** The editor-side helper, inlined once per set file; guarded so several sets can share it. */
export const EDITOR_HELPER = `<script type="text/javascript">
(function () {
  if (window.ccGlueEditor) { return; }
  window.ccGlueEditor = {
    prepare: function (node, spec) {
      /* A new node takes the vendor's server when there is exactly one. */
      var cfg = $('#node-input-config');
      if (cfg.length && !node.config) {
        var ids = cfg.find('option').map(function () { return this.value; }).get().filter(function (v) { return v && v !== '_ADD_'; });
        if (ids.length === 1) { cfg.val(ids[0]).trigger('change'); }
      }
      (spec.params || []).forEach(function (p) {
        $('#node-input-' + p.name).typedInput({ types: p.types, typeField: $('#node-input-' + p.name + 'Type') });
      });
      var sel = $('#node-input-operation');
      function show() {
        var op = sel.length ? sel.val() : null;
        $('.cc-glue-row').each(function () {
          var ops = $(this).attr('data-ops');
          var visible = !ops || !op || op === 'msg' || ops.split(',').indexOf(op) >= 0;
          $(this).toggle(visible);
        });
      }
      sel.on('change', show);
      show();
    },
    /* A parameter: required (always, or for the listed operations) and valid for its TypedInput type. */
    validateParam: function (node, name, required, v) {
      var opEl = $('#node-input-operation');
      var op = opEl.length ? opEl.val() : node.operation;
      var needed = required === true || (Array.isArray(required) && op !== 'msg' && required.indexOf(op) >= 0);
      if (needed && (v === undefined || v === null || String(v).trim() === '')) { return false; }
      return RED.validators.typedInput(name + 'Type').call(node, v);
    },
    /* A whole number of ms/sockets, empty for the default, or \${ENV_VAR}. */
    validateNumber: function (v) {
      var s = v === undefined || v === null ? '' : String(v).trim();
      return s === '' || /^[0-9]+$/.test(s) || /^[$][{][A-Za-z_][A-Za-z0-9_]*[}]$/.test(s);
    },
    /* The name, else "<vendor>: <operation>" (e.g. "virtualQ: get caller"), else the palette label. */
    label: function (node, type, vendor) {
      if (node.name) { return node.name; }
      var base = node._(type + '.paletteLabel');
      if (node.operation && node.operation !== 'msg') {
        var op = node._(type + '.operations.' + node.operation);
        return vendor + ': ' + (op && op.indexOf('.operations.') < 0 ? op : node.operation);
      }
      return base && base.indexOf('.paletteLabel') < 0 ? base : type;
    },
    testConnection: function (node, type, fields, creds) {
      var out = $('#cc-glue-test-result');
      var body = { id: node.id, settings: {}, credentials: {} };
      fields.forEach(function (f) { body.settings[f] = $('#node-config-input-' + f).val(); });
      creds.forEach(function (c) { body.credentials[c] = $('#node-config-input-' + c).val(); });
      out.text('…').css('color', 'var(--red-ui-secondary-text-color)');
      $.ajax({ url: 'cc-glue/test-connection/' + type, type: 'POST', contentType: 'application/json', data: JSON.stringify(body) })
        .done(function (r) { out.text(r.ok ? node._(type + '.test.ok') : (r.code + ': ' + r.message)).css('color', r.ok ? 'var(--red-ui-text-color-success, green)' : 'var(--red-ui-text-color-error, red)'); })
        .fail(function (x) { var j = x.responseJSON; out.text(j && j.message ? j.code + ': ' + j.message : 'HTTP ' + x.status).css('color', 'var(--red-ui-text-color-error, red)'); });
    }
  };
})();
</script>`;

function paramFor(p: ParamSpec): { name: string; types: readonly string[] } {
  return { name: p.name, types: TYPES[p.kind] };
}

function row(type: string, prefix: string, name: string, inner: string, icon: string, ops?: string[]): string {
  const data = ops ? ` data-ops="${esc(ops.join(','))}"` : '';
  return `  <div class="form-row cc-glue-row"${data}>
    <label for="${prefix}${name}"><i class="fa ${icon}"></i> <span data-i18n="${type}.label.${name}"></span></label>
    ${inner}
  </div>`;
}

function settingInput(prefix: string, s: SettingSpec, type: string): string {
  const id = `${prefix}${s.name}`;
  if (s.options) {
    const opts = s.options.map((o) => `<option value="${esc(o)}" data-i18n="${type}.options.${s.name}.${o}"></option>`).join('');
    return `<select id="${id}" style="width:70%">${opts}</select>`;
  }
  if (s.input === 'checkbox') return `<input type="checkbox" id="${id}" style="width:auto">`;
  return `<input type="text" id="${id}" style="width:70%">`;
}

function nodeForm(spec: NodeSpec): string {
  const t = spec.type;
  const p = 'node-input-';
  const rows: string[] = [];
  if (spec.config) rows.push(row(t, p, 'config', `<input type="text" id="${p}config">`, 'fa-server'));
  if (spec.operations) {
    const opts = spec.operations.map((o) => `<option value="${esc(o)}" data-i18n="${t}.operations.${o}"></option>`);
    if (spec.operationFromMsg) opts.push(`<option value="msg" data-i18n="${t}.operations.msg"></option>`);
    rows.push(row(t, p, 'operation', `<select id="${p}operation" style="width:70%">${opts.join('')}</select>`, 'fa-cogs'));
  }
  for (const s of spec.settings ?? []) rows.push(row(t, p, s.name, settingInput(p, s, t), 'fa-sliders', s.operations));
  for (const q of spec.params) {
    rows.push(
      row(t, p, q.name, `<input type="text" id="${p}${q.name}" style="width:70%"><input type="hidden" id="${p}${q.name}Type">`, 'fa-envelope-o', q.operations),
    );
  }
  rows.push(row(t, p, 'name', `<input type="text" id="${p}name" data-i18n="[placeholder]${t}.label.name">`, 'fa-tag'));
  return `<script type="text/html" data-template-name="${t}">\n${rows.join('\n')}\n</script>`;
}

function nodeDefaults(spec: NodeSpec): Record<string, unknown> {
  const d: Record<string, unknown> = { name: { value: '' } };
  if (spec.config) d.config = { value: '', type: spec.config, required: true };
  if (spec.operations) d.operation = { value: spec.operations[0], required: true };
  for (const s of spec.settings ?? []) {
    d[s.name] = s.configType ? { value: '', type: s.configType, required: Boolean(s.required) } : { value: s.value, required: Boolean(s.required) };
  }
  for (const q of spec.params) {
    const w = defaultWiring(q);
    const required = q.required === true ? 'true' : Array.isArray(q.required) && q.required.length ? js(q.required) : 'false';
    d[q.name] = { value: w.value, validate: new Code(`function (v) { return window.ccGlueEditor.validateParam(this, '${q.name}', ${required}, v); }`) };
    d[`${q.name}Type`] = { value: w.type };
  }
  return d;
}

/** One node's `RED.nodes.registerType('<type>', {...})` with a literal object; its validators and label functions are written as source text. */
function nodeRegistration(spec: NodeSpec): string {
  const t = spec.type;
  const editorSpec = { params: spec.params.map(paramFor) };
  return `<script type="text/javascript">
RED.nodes.registerType('${t}', {
  category: 'contact center',
  color: '${spec.color}',
  defaults: ${jsWithFunctions(nodeDefaults(spec))},
  inputs: ${spec.inputs},
  outputs: ${spec.outputs},
  icon: '${spec.icon}',${spec.align ? `\n  align: '${spec.align}',` : ''}
  paletteLabel: function () { return this._('${t}.paletteLabel'); },
  label: function () { return window.ccGlueEditor.label(this, '${t}', ${js(spec.vendor)}); },
  labelStyle: function () { return this.name ? 'node_label_italic' : ''; },${spec.outputs > 1 ? `\n  outputLabels: function (i) { return this._('${t}.outputLabels.' + i); },` : ''}
  oneditprepare: function () { window.ccGlueEditor.prepare(this, ${js(editorSpec)}); }
});
</script>`;
}

function configForm(spec: ConfigSpec): string {
  const t = spec.type;
  const p = 'node-config-input-';
  const rows: string[] = [];
  for (const s of spec.settings) {
    if (s.name === 'name') continue;
    const icon = s.name === 'url' ? 'fa-globe' : s.configType ? 'fa-lock' : 'fa-sliders';
    rows.push(row(t, p, s.name, settingInput(p, s, t), icon));
  }
  for (const c of spec.credentials) rows.push(row(t, p, c, `<input type="password" id="${p}${c}" autocomplete="off" style="width:70%">`, 'fa-key'));
  rows.push(row(t, p, 'name', `<input type="text" id="${p}name">`, 'fa-tag'));
  if (spec.testConnection) {
    rows.push(
      `  <div class="form-row"><label></label><button type="button" class="red-ui-button" id="cc-glue-test-button"><i class="fa fa-plug"></i> <span data-i18n="${t}.test.button"></span></button><div id="cc-glue-test-result" role="status" style="margin: 6px 0 0 104px"></div></div>`,
    );
  }
  return `<script type="text/html" data-template-name="${t}">\n${rows.join('\n')}\n</script>`;
}

function configRegistration(spec: ConfigSpec): string {
  const t = spec.type;
  const defaults: Record<string, unknown> = {};
  for (const s of spec.settings) {
    if (s.configType) defaults[s.name] = { value: '', type: s.configType, required: false };
    else if (s.input === 'number')
      defaults[s.name] = { value: s.value, required: false, validate: new Code('function (v) { return window.ccGlueEditor.validateNumber(v); }') };
    else defaults[s.name] = { value: s.value, required: Boolean(s.required) };
  }
  const credentials: Record<string, unknown> = {};
  for (const c of spec.credentials) credentials[c] = { type: 'password' };
  const fields = spec.settings.filter((s) => !s.configType && s.name !== 'name').map((s) => s.name);
  const prepare = spec.testConnection
    ? `\n  oneditprepare: function () { var node = this; $('#cc-glue-test-button').on('click', function () { window.ccGlueEditor.testConnection(node, '${t}', ${js(fields)}, ${js(spec.credentials)}); }); },`
    : '';
  return `<script type="text/javascript">
RED.nodes.registerType('${t}', {
  category: 'config',
  defaults: ${jsWithFunctions(defaults)},
  credentials: ${js(credentials)},
  paletteLabel: function () { return this._('${t}.paletteLabel'); },${prepare}
  label: function () { return this.name || this.url || this._('${t}.paletteLabel'); }
});
</script>`;
}

/** The set's editor file: helper, then per node its registration and its form. */
export function buildSetHtml(specs: SetSpecs): string {
  const parts = [EDITOR_HELPER];
  for (const c of specs.config) parts.push(configRegistration(c), configForm(c));
  for (const n of specs.nodes) parts.push(nodeRegistration(n), nodeForm(n));
  return parts.join('\n\n') + '\n';
}

function dl(entries: Array<[string, string, string | undefined]>): string {
  const items = entries
    .filter(([, , text]) => text)
    .map(([name, type, text]) => `  <dt>${esc(name)} <span class="property-type">${esc(type)}</span></dt>\n  <dd>${text}</dd>`);
  return `<dl class="message-properties">\n${items.join('\n')}\n</dl>`;
}

const KIND_LABEL: Record<string, string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  time: 'string | number | Date',
};

/** Help text for every node of the set, in the sidebar's `message-properties` style. */
export function buildSetHelp(specs: SetSpecs, locale: Locale): string {
  const out: string[] = [];
  const h = (k: string): string | undefined => get(locale, k);
  const codes = ['INVALID_INPUT', 'NOT_CONFIGURED', 'AUTH_FAILED', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK', 'VENDOR_ERROR'];
  for (const c of specs.config) {
    const t = c.type;
    const props: Array<[string, string, string | undefined]> = c.settings.map((s) => [
      h(`${t}.label.${s.name}`) ?? s.name,
      typeof s.value,
      h(`${t}.help.props.${s.name}`) ?? h(`common.config.${s.name}`),
    ]);
    for (const cr of c.credentials) props.push([h(`${t}.label.${cr}`) ?? cr, 'password', h(`${t}.help.props.${cr}`)]);
    out.push(`<script type="text/html" data-help-name="${t}">
<p>${h(`${t}.help.summary`) ?? ''}</p>
<h3>${h('common.help.properties') ?? 'Properties'}</h3>
${dl(props)}
${h(`${t}.help.details`) ?? ''}
</script>`);
  }
  for (const n of specs.nodes) {
    const t = n.type;
    const inputs: Array<[string, string, string | undefined]> = [];
    if (n.operations) inputs.push(['operation', 'string', h(`${t}.help.inputs.operation`)]);
    for (const p of n.params) {
      const w = defaultWiring(p);
      const where = w.type === 'msg' ? `msg.${w.value}` : p.name;
      const ops = p.operations ? ` <i>(${p.operations.join(', ')})</i>` : '';
      inputs.push([where, KIND_LABEL[p.kind], (h(`${t}.help.inputs.${p.name}`) ?? '') + ops]);
    }
    // Only a node that calls its vendor (a server to call, an output to answer on) has these.
    const callsVendor = n.inputs > 0 && n.outputs > 0 && Boolean(n.config);
    if (callsVendor) inputs.push(['msg.requestTimeout', 'number', h('common.help.requestTimeout')]);
    const outputs: Array<[string, string, string | undefined]> = [];
    const outs = (locale[t] as { help?: { outputs?: Record<string, string> } } | undefined)?.help?.outputs ?? {};
    for (const [k, v] of Object.entries(outs)) outputs.push([`msg.${k}`, k === 'payload' ? 'object' : 'any', v]);
    if (callsVendor) outputs.push(['msg.vendor', 'object', h('common.help.vendor')]);
    const errors = n.inputs ? dl(codes.map((c) => [c, 'code', h(`${t}.help.errors.${c}`) ?? h(`common.errors.${c}`)])) : '';
    out.push(`<script type="text/html" data-help-name="${t}">
<p>${h(`${t}.help.summary`) ?? ''}</p>
${inputs.length ? `<h3>${h('common.help.inputs') ?? 'Inputs'}</h3>\n${dl(inputs)}` : ''}
${outputs.length ? `<h3>${h('common.help.outputs') ?? 'Outputs'}</h3>\n${dl(outputs)}` : ''}
${errors ? `<h3>${h('common.help.errors') ?? 'Errors'}</h3>\n<p>${h('common.help.errorsIntro') ?? ''}</p>\n${errors}` : ''}
${h(`${t}.help.details`) ?? ''}
</script>`);
  }
  return out.join('\n\n') + '\n';
}
