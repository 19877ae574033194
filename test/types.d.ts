declare module 'node-red-node-test-helper' {
  interface Helper {
    init(nodeRedRuntime: string, settings?: Record<string, unknown>): void;
    load(nodes: unknown, flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): import('./helpers').TestNode;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    url(): string;
    request(): unknown;
    settings(s: Record<string, unknown>): void;
    clearFlows(): Promise<void>;
    setFlows(flow: unknown[], type?: string, credentials?: Record<string, unknown>): Promise<void>;
    _redNodes: unknown;
  }
  const helper: Helper;
  export default helper;
}
