import type { NodeAPI } from 'node-red';
import { registerSkippedStep } from '../common/skipped-step';

// Placeholder until the ip-lookup integration lands: keeps the flow's wiring and records the skip.
export = function (RED: NodeAPI): void {
  registerSkippedStep(RED, 'ir-ip-lookup', 'ip-lookup', 'IP enrichment');
};
