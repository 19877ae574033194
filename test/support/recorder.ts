/**
 * A Node-RED node for tests that run a real Node-RED process: `interop-recorder` keeps every msg
 * it receives, in order, per recorder node; `GET <admin>/interop-recorder` returns them by node id
 * (the list outlives redeploys). Loaded from a `nodes` directory of the user directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const RECORDER_JS = `module.exports = function (RED) {
  const got = {};
  function Recorder(config) {
    RED.nodes.createNode(this, config);
    const list = (got[this.id] = got[this.id] || []);
    this.on('input', (msg, send, done) => { list.push({ topic: msg.topic, payload: msg.payload }); done(); });
  }
  RED.nodes.registerType('interop-recorder', Recorder);
  RED.httpAdmin.get('/interop-recorder', (req, res) => res.json(got));
};
`;

export interface Recorded {
  topic: string;
  payload: { seq?: number; [k: string]: unknown };
}

/** Writes the recorder into `<userDir>/nodes`; returns that directory (for `nodesDir`). */
export function writeRecorder(userDir: string): string {
  const dir = path.join(userDir, 'nodes');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'interop-recorder.js'), RECORDER_JS);
  fs.writeFileSync(path.join(dir, 'interop-recorder.html'), '');
  return dir;
}

/** What every recorder node got so far, by node id. */
export async function recorded(nodeRedUrl: string): Promise<Record<string, Recorded[]>> {
  const r = await fetch(`${nodeRedUrl}/interop-recorder`);
  return (await r.json()) as Record<string, Recorded[]>;
}
