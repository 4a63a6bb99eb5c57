// Minimal types for node-red-node-test-helper (it ships none).
declare module 'node-red-node-test-helper' {
  import type { EventEmitter } from 'node:events';
  import type { NodeAPI, NodeMessage } from 'node-red';

  export type FlowNode = { id: string; type: string; [key: string]: unknown };
  export type NodeModule = (RED: NodeAPI) => void;

  export interface HelperNode extends EventEmitter {
    id: string;
    type: string;
    receive(msg: NodeMessage): void;
    [key: string]: unknown;
  }

  interface Helper {
    init(runtimePath?: string, settings?: Record<string, unknown>): void;
    settings(settings: Record<string, unknown>): void;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    load(modules: NodeModule | NodeModule[], flow: FlowNode[], credentials?: Record<string, Record<string, string>>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): HelperNode;
    clearFlows(): Promise<void>;
    request(): import('supertest').SuperTest<import('supertest').Test>;
    url(): string;
    log(): { args: unknown[][] };
  }

  const helper: Helper;
  export = helper;
}
