import type { FrameworkDefinition } from './types';

// NIST SP 800-61 Rev. 2, section 3 "Handling an Incident", figure 3-1: the incident response
// life cycle, with the loop from containment back to detection and analysis.
export const nist80061r2: FrameworkDefinition = {
  id: 'nist-800-61r2',
  label: 'NIST SP 800-61 Rev. 2',
  revision: 'SP 800-61 Rev. 2 (August 2012)',
  reference: 'https://doi.org/10.6028/NIST.SP.800-61r2',
  entry: ['preparation', 'detection-analysis'],
  reportPhase: 'post-incident',
  phases: [
    {
      id: 'preparation',
      label: 'Preparation',
      description: 'Establish the incident response capability and prevent incidents by keeping systems, networks and applications secure.',
      next: ['detection-analysis'],
      status: 'open',
    },
    {
      id: 'detection-analysis',
      label: 'Detection and Analysis',
      description: 'Validate the precursors and indicators, determine scope and impact, prioritise, document and notify.',
      next: ['containment-eradication-recovery'],
      status: 'acknowledged',
    },
    {
      id: 'containment-eradication-recovery',
      label: 'Containment, Eradication and Recovery',
      description: 'Limit the damage, remove the cause, restore systems to normal operation; go back to analysis when new indicators appear.',
      next: ['detection-analysis', 'post-incident'],
      status: 'acknowledged',
    },
    {
      id: 'post-incident',
      label: 'Post-Incident Activity',
      description: 'Lessons learned, evidence retention and the use of collected incident data.',
      next: [],
      status: 'resolved',
    },
  ],
};
