import type { FrameworkDefinition } from './types';

// NIST SP 800-61 Rev. 3 (April 2025) describes incident response through the six Functions of
// the Cybersecurity Framework (CSF) 2.0: Govern, Identify, Protect prepare; Detect, Respond,
// Recover handle the incident; lessons learned feed Identify (its Improvement category).
export const nist80061r3: FrameworkDefinition = {
  id: 'nist-800-61r3',
  label: 'NIST SP 800-61 Rev. 3 (CSF 2.0)',
  revision: 'SP 800-61 Rev. 3 (April 2025), CSF 2.0 Functions',
  reference: 'https://doi.org/10.6028/NIST.SP.800-61r3',
  entry: ['govern', 'identify', 'protect', 'detect'],
  reportPhase: 'recover',
  phases: [
    {
      id: 'govern',
      label: 'Govern (GV)',
      description: 'Establish and monitor the incident response strategy, expectations, roles and policy.',
      next: ['identify'],
      status: 'open',
    },
    {
      id: 'identify',
      label: 'Identify (ID)',
      description: 'Understand the assets and risks; entered from Recover it is Improvement: lessons learned from the incident.',
      next: ['protect'],
      status: 'open',
      statusFrom: { recover: 'resolved' },
    },
    {
      id: 'protect',
      label: 'Protect (PR)',
      description: 'Safeguards that lower the likelihood and impact of incidents.',
      next: ['detect'],
      status: 'open',
    },
    {
      id: 'detect',
      label: 'Detect (DE)',
      description: 'Find and analyse possible attacks and compromises: continuous monitoring and adverse event analysis.',
      next: ['respond'],
      status: 'acknowledged',
    },
    {
      id: 'respond',
      label: 'Respond (RS)',
      description: 'Incident management, analysis, reporting and communication, and mitigation (containment and eradication).',
      next: ['recover', 'detect'],
      status: 'acknowledged',
    },
    {
      id: 'recover',
      label: 'Recover (RC)',
      description: 'Restore the assets and operations affected by the incident, and communicate the recovery.',
      next: ['identify'],
      status: 'resolved',
    },
  ],
};
