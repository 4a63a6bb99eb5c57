import type { NodeAPI } from 'node-red';
import { registerSkippedStep } from '../common/skipped-step';

// Placeholder until the slack-notify integration lands: keeps the flow's wiring and records the skip.
export = function (RED: NodeAPI): void {
  registerSkippedStep(RED, 'ir-slack-notify', 'slack-notify', 'Slack notification');
};
