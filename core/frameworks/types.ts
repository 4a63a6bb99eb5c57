import type { IncidentStatus } from '../model/types';

export interface PhaseDefinition {
  id: string;
  label: string;
  description: string;
  /** Phases an incident in this phase may move to next. */
  next: string[];
  /** The incident status entering this phase implies. */
  status: IncidentStatus;
  /** A different implied status when the phase is entered from these phases. */
  statusFrom?: Record<string, IncidentStatus>;
}

export interface FrameworkDefinition {
  id: string;
  label: string;
  /** The document and revision the phases follow. */
  revision: string;
  reference: string;
  /** Phases in their order; an incident's first phase must be one of `entry`. */
  phases: PhaseDefinition[];
  entry: string[];
  /** The phase whose gate attaches the post-incident report (the framework's closing step). */
  reportPhase: string;
}
