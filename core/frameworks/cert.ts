import type { FrameworkDefinition } from './types';

// CERT/CC incident handling (CMU SEI, Handbook for Computer Security Incident Response Teams,
// 2nd ed., 2003): the services an incident passes through, with triage as its own step.
export const cert: FrameworkDefinition = {
  id: 'cert',
  label: 'CERT incident handling',
  revision: 'CMU/SEI-2003-HB-002, Handbook for CSIRTs, 2nd edition',
  reference: 'https://doi.org/10.1184/R1/6574055.v1',
  entry: ['reporting-detection'],
  reportPhase: 'incident-response',
  phases: [
    {
      id: 'reporting-detection',
      label: 'Reporting and Detection',
      description: 'Receive incident reports and alerts from constituents, sensors and other teams.',
      next: ['triage'],
      status: 'open',
    },
    {
      id: 'triage',
      label: 'Triage',
      description: 'Categorise, correlate and prioritise the report; assign it for handling.',
      next: ['analysis'],
      status: 'acknowledged',
    },
    {
      id: 'analysis',
      label: 'Analysis',
      description: 'Examine the evidence: scope, affected systems, attack method, and the response needed.',
      next: ['incident-response', 'triage'],
      status: 'acknowledged',
    },
    {
      id: 'incident-response',
      label: 'Incident Response',
      description: 'Coordinate and carry out the technical, management and legal response; close the incident.',
      next: ['analysis'],
      status: 'acknowledged',
    },
  ],
};
