import type { NodeAPI } from 'node-red';
import { registerSkippedStep } from '../common/skipped-step';

// Placeholder until the log-fetch integration lands: keeps the flow's wiring and records the skip.
export = function (RED: NodeAPI): void {
  registerSkippedStep(RED, 'ir-log-fetch', 'log-fetch', 'Log search');
};
