import type { FrameworkDefinition } from './types';

// ISO/IEC 27035-1:2023, clause 5 (information security incident management process): five
// phases. Other schemes name the same steps notification, classification, treatment, close
// and continuous improvement; the descriptions carry those labels so both read the same.
export const iso27035: FrameworkDefinition = {
  id: 'iso-27035',
  label: 'ISO/IEC 27035',
  revision: 'ISO/IEC 27035-1:2023',
  reference: 'https://www.iso.org/standard/78973.html',
  entry: ['plan-prepare', 'detect-report'],
  reportPhase: 'learn-lessons',
  phases: [
    {
      id: 'plan-prepare',
      label: 'Plan and prepare',
      description: 'Policy, plan, the incident response team (IRT), awareness, and testing of the process.',
      next: ['detect-report'],
      status: 'open',
    },
    {
      id: 'detect-report',
      label: 'Detect and report',
      description: 'Notification: detect and report information security events.',
      next: ['assess-decide'],
      status: 'open',
    },
    {
      id: 'assess-decide',
      label: 'Assess and decide',
      description: 'Classification: assess the event and decide whether it is an information security incident.',
      next: ['respond', 'learn-lessons'],
      status: 'acknowledged',
    },
    {
      id: 'respond',
      label: 'Respond',
      description: 'Treatment: contain, eradicate and recover, investigate, and close the incident.',
      next: ['learn-lessons', 'assess-decide'],
      status: 'acknowledged',
    },
    {
      id: 'learn-lessons',
      label: 'Learn lessons',
      description: 'Close and continuous improvement: lessons learned, improvements to controls and to the process.',
      next: [],
      status: 'resolved',
    },
  ],
};
