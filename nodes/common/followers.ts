import type { Incident } from '../../core/model/types';
import type { IncidentStore } from '../../core/store/types';

/**
 * A deployed slack-notify, pagerduty-page or jira-ticket node that can take an incident an
 * analyst changed in the incident sidebar (no message reaches it then), and bring what it
 * keeps outside in step: a closed incident resolves its page, an acknowledged one acknowledges
 * it, the Slack message and the Jira issue follow.
 */
export interface Follower {
  type: string;
  store: IncidentStore;
  /** Runs the node's own handling for the incident, as a message would; outputs go nowhere. */
  follow(incident: Incident): Promise<void>;
}

// Keyed by node id; each node adds itself when deployed and removes itself on close.
export const followers = new Map<string, Follower>();

/** The node types that follow analyst actions, in the order they are told. */
export const FOLLOWER_TYPES = ['ir-pagerduty-page', 'ir-slack-notify', 'ir-jira-ticket'] as const;

// What each kind keeps outside: a kind with no page, message or issue for the incident is left alone.
const REF_OF: Record<(typeof FOLLOWER_TYPES)[number], string> = { 'ir-pagerduty-page': 'pagerduty', 'ir-slack-notify': 'slack', 'ir-jira-ticket': 'jira' };

export interface FollowOutcome {
  type: string;
  nodeId: string;
  error?: string;
}

/**
 * Hands the incident to the node of each kind that last acted on it (its timeline says which)
 * and is deployed on the same store: the node that posted the Slack message updates it, the
 * one that paged resolves the page. A kind that never acted on the incident is left alone (an
 * analyst's action opens no new page or ticket). Failures are recorded by the nodes themselves.
 */
export async function followIncident(store: IncidentStore, incident: Incident): Promise<FollowOutcome[]> {
  const chosen: Array<[string, Follower]> = [];
  for (const type of FOLLOWER_TYPES) {
    if (!incident.refs[REF_OF[type]]) continue;
    for (let i = incident.timeline.length - 1; i >= 0; i--) {
      const { node } = incident.timeline[i]!;
      const follower = node.type === type ? followers.get(node.id) : undefined;
      if (follower && follower.store === store) {
        chosen.push([node.id, follower]);
        break;
      }
    }
  }
  const outcomes: FollowOutcome[] = [];
  // One after another: each reads the incident the previous one saved (the Slack message then
  // shows the page as resolved).
  for (const [nodeId, follower] of chosen) {
    const latest = (await store.get(incident.id)) ?? incident;
    try {
      await follower.follow(latest);
      outcomes.push({ type: follower.type, nodeId });
    } catch (err) {
      outcomes.push({ type: follower.type, nodeId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return outcomes;
}
