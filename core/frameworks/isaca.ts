import type { FrameworkDefinition } from './types';

// ISACA's incident management life cycle (CISM Review Manual, Information Security Incident
// Management): four phases from preparation to closure.
export const isaca: FrameworkDefinition = {
  id: 'isaca',
  label: 'ISACA incident management',
  revision: 'ISACA incident management life cycle (CISM body of knowledge, Incident Management domain)',
  reference: 'https://www.isaca.org/credentialing/cism',
  entry: ['planning-preparation', 'detection-triage-investigation'],
  reportPhase: 'incident-closure',
  phases: [
    {
      id: 'planning-preparation',
      label: 'Planning and Preparation',
      description: 'Incident response plan, team, tools, escalation paths and communication channels.',
      next: ['detection-triage-investigation'],
      status: 'open',
    },
    {
      id: 'detection-triage-investigation',
      label: 'Detection, Triage and Investigation',
      description: 'Detect the event, decide whether it is an incident and its severity, investigate its scope.',
      next: ['containment-analysis-tracking-recovery'],
      status: 'acknowledged',
    },
    {
      id: 'containment-analysis-tracking-recovery',
      label: 'Containment, Analysis, Tracking and Recovery',
      description: 'Contain the damage, analyse the root cause, track the actions, recover operations.',
      next: ['incident-closure', 'detection-triage-investigation'],
      status: 'acknowledged',
    },
    {
      id: 'incident-closure',
      label: 'Incident Closure',
      description: 'Confirm recovery, document the incident, hold the post-incident review and close.',
      next: [],
      status: 'resolved',
    },
  ],
};
