import type { NodeAPI } from 'node-red';
import { registerSkippedStep } from '../common/skipped-step';

// Placeholder until the pagerduty-page integration lands: keeps the flow's wiring and records the skip.
export = function (RED: NodeAPI): void {
  registerSkippedStep(RED, 'ir-pagerduty-page', 'pagerduty-page', 'PagerDuty page');
};
