// The package's main entry: the plain-TypeScript core, usable without Node-RED.
export * from './model/types';
export { validateIncident, incidentErrors, IncidentValidationError, incidentSchema } from './model/validate';
export { newId } from './model/id';
export { normalizeAlerts, normalizeAlert, AlertFormatError, FORMATS } from './normalize';
export { FRAMEWORKS, getFramework, checkTransition } from './frameworks';
export type { FrameworkDefinition, PhaseDefinition } from './frameworks';
export type { IncidentStore, IncidentQuery } from './store/types';
export { KeyValueIncidentStore, MemoryBackend } from './store/keyvalue';
export { defaultDedupKey, ingestAlert } from './intake/ingest';
export { verifyWebhook } from './intake/webhook';
