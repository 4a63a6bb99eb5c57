import type { IntegrationConfig } from '../common/integration-config';

export interface JiraCredentials {
  /** The Atlassian account's email (basic auth user). */
  email?: string;
  /** An API token from id.atlassian.com (never the password). */
  apiToken?: string;
}

/** What an ir-jira-config node offers jira-ticket nodes. */
export interface JiraConfigNode extends IntegrationConfig<JiraCredentials> {
  /** https://<site>.atlassian.net, no trailing slash; '' when not set. */
  siteUrl: string;
  /** Default project key. */
  project: string;
}
