import type { NodeAPI } from 'node-red';
import { registerSkippedStep } from '../common/skipped-step';

// Placeholder until the disable-account integration lands: keeps the flow's wiring and records the skip.
export = function (RED: NodeAPI): void {
  registerSkippedStep(RED, 'ir-disable-account', 'disable-account', 'Account containment');
};
