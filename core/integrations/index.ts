// What every vendor module and config node uses: mode, credentials rule, the invoker.
export { missingCredentials, MODES, MissingCredentialsError, parseMode, requireCredentials } from './mode';
export type { Mode } from './mode';
export { callTimelineInput, createInvoker, createInvokerFetch, describeCall } from './dry-run';
export type { CallOutcome, CallRecord, IntegrationCall, InvokeResponse, Invoker, InvokerFetchOptions, InvokerOptions, SimulatedResponse } from './dry-run';
