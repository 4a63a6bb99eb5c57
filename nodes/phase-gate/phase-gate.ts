import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { checkDecision, checkLink, type ApprovalMode } from '../../core/approval/holds';
import { confirmationPage, resultPage } from '../../core/approval/page';
import { FRAMEWORKS, getFramework, getPhase, phaseLabel } from '../../core/frameworks';
import { applyDecision, applyExpiry, applyGate, applySlaCheck, type GateConfig, type GateResult } from '../../core/frameworks/gate';
import { safeText } from '../../core/model/incident';
import { SEVERITIES, type Hold, type Incident, type Severity } from '../../core/model/types';
import type { StoredTimer } from '../../core/store/types';
import { gates, type GateHandle } from '../common/gates';
import { incidentOf, nodeRef, onInput, shortText, useStore, type IncidentMessage } from '../common/node';

interface PhaseGateDef extends NodeDef {
  framework: string;
  phase: string;
  closeIncident: boolean;
  attachReport: boolean;
  approval: ApprovalMode;
  approvalSeverity: Severity;
  approvers: string;
  approvalTimeoutMinutes: string | number;
  publicBaseUrl: string;
  /** The approval links in msg.payload (the webhook answer) too, not only in msg.approval. */
  linksInAnswer?: boolean;
  slaLow: string | number;
  slaMedium: string | number;
  slaHigh: string | number;
  slaCritical: string | number;
  store: string;
}

/** Output positions: fixed order, the optional ones present only when configured. */
interface Outputs {
  count: number;
  passed: 0;
  refused: 1;
  awaiting?: number;
  denied?: number;
  sla?: number;
}

function outputsFor(approval: boolean, sla: boolean): Outputs {
  const out: Outputs = { count: 2, passed: 0, refused: 1 };
  if (approval) { out.awaiting = out.count++; out.denied = out.count++; }
  if (sla) out.sla = out.count++;
  return out;
}

function minutes(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n * 60 * 1000 : undefined;
}

async function readForm(req: IncomingMessage, limit = 16 * 1024): Promise<URLSearchParams> {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) return new URLSearchParams(body as Record<string, string>);
  if (typeof body === 'string') return new URLSearchParams(body);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The token is in the URL: never leak it through a referrer, never frame the page.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(html);
}

async function findHold(incidentId: string, holdId: string): Promise<{ incident: Incident; hold: Hold; gate: GateHandle } | undefined> {
  for (const store of new Set([...gates.values()].map((g) => g.store))) {
    const incident = await store.get(incidentId);
    const hold = incident?.holds.find((h) => h.id === holdId);
    const gate = hold && gates.get(hold.gate.id);
    if (incident && hold && gate) return { incident, hold, gate };
  }
  return undefined;
}

const DECIDE_IN = "the Node-RED editor's incident sidebar, or the links sent to the approvers (msg.approval)";

export = function (RED: NodeAPI): void {
  function PhaseGate(this: Node, config: PhaseGateDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const framework = getFramework(config.framework);
    const phase = framework ? getPhase(framework, config.phase) : undefined;
    const approvalMode: ApprovalMode = config.approval || 'never';
    const slaMs: Partial<Record<Severity, number>> = {};
    for (const severity of SEVERITIES) {
      const key = `sla${severity[0].toUpperCase()}${severity.slice(1)}` as 'slaLow' | 'slaMedium' | 'slaHigh' | 'slaCritical';
      const ms = minutes(config[key]);
      if (ms !== undefined) slaMs[severity] = ms;
    }
    const outputs = outputsFor(approvalMode !== 'never', Object.keys(slaMs).length > 0);
    const settings = RED.settings as unknown as { uiHost?: string; uiPort?: number; httpNodeRoot?: string | false };
    const defaultBase = `http://${settings.uiHost && settings.uiHost !== '0.0.0.0' ? settings.uiHost : '127.0.0.1'}:${settings.uiPort ?? 1880}${typeof settings.httpNodeRoot === 'string' ? settings.httpNodeRoot.replace(/\/$/, '') : ''}`;
    const handle = useStore(RED, node, config.store);
    const { store } = handle;

    if (!framework || !phase) {
      node.status({ fill: 'red', shape: 'ring', text: framework ? 'unknown phase' : 'unknown framework' });
      node.error(framework ? `${framework.label} has no phase "${config.phase}"` : `unknown framework "${config.framework}"`);
    }
    const gateConfig: GateConfig | undefined = framework && phase ? {
      framework,
      phase,
      approval: {
        mode: approvalMode,
        minSeverity: config.approvalSeverity || 'high',
        approvers: (config.approvers ?? '').split(',').map((a) => a.trim()).filter(Boolean),
        timeoutMs: minutes(config.approvalTimeoutMinutes) ?? 4 * 60 * 60 * 1000,
      },
      slaMs,
      closeIncident: config.closeIncident === true,
      attachReport: config.attachReport === true,
      publicBaseUrl: (config.publicBaseUrl || '').trim() || defaultBase,
    } : undefined;

    function emit(index: number | undefined, msg: NodeMessage): void {
      if (index === undefined) return;
      const all: Array<NodeMessage | null> = new Array(outputs.count).fill(null);
      all[index] = msg;
      node.send(all);
    }

    /** Schedules this phase's SLA deadline when the gate just let the incident in. */
    async function afterEntry(incident: Incident, result: GateResult): Promise<void> {
      if (result.kind !== 'passed' || !result.slaDueAt || !phase) return;
      const entered = incident.phases.at(-1)!;
      await store.scheduleTimer({
        id: `sla:${incident.id}:${node.id}:${entered.enteredAt}`, kind: 'sla', incidentId: incident.id, nodeId: node.id,
        dueAt: result.slaDueAt, data: { phase: phase.id, enteredAt: entered.enteredAt },
      });
    }

    function showResult(result: GateResult): void {
      if (result.kind === 'refused') node.status({ fill: 'yellow', shape: 'ring', text: shortText(`refused: ${result.reason}`) });
      else if (result.kind === 'held') node.status({ fill: 'blue', shape: 'ring', text: 'awaiting approval' });
      else node.status({ fill: 'green', shape: 'dot', text: shortText(phase?.label ?? '') });
    }

    onInput(node, async (msg, send) => {
      if (!gateConfig) throw new Error(`phase-gate is misconfigured: framework "${config.framework}", phase "${config.phase}"`);
      const given = incidentOf(msg);
      let result!: GateResult;
      // The change runs on the store's latest revision (again after a conflict).
      const incident = await store.update(given.id, (latest) => { result = applyGate(latest, nodeRef(node), gateConfig); }, given);
      msg.incident = incident;
      const all: Array<NodeMessage | null> = new Array(outputs.count).fill(null);
      if (result.kind === 'refused') {
        // Ready for an http-response, as the awaiting output is: 409 names the refusal.
        Object.assign(msg, { reason: result.reason, statusCode: 409, payload: { error: { code: 'phase-refused', message: result.reason }, incident } });
        all[outputs.refused] = msg;
      } else if (result.kind === 'held') {
        if (result.fresh) {
          await store.scheduleTimer({ id: `hold:${incident.id}:${result.hold.id}`, kind: 'hold-expiry', incidentId: incident.id, nodeId: node.id, dueAt: result.hold.expiresAt, data: { holdId: result.hold.id } });
        }
        // The links exist only here, in this message: the incident keeps their hashes. A re-run
        // while the hold is pending answers without them.
        // The incident's id and title tell several pending approvals apart (debug sidebar, chat).
        const approval = {
          incidentId: incident.id, title: incident.title,
          holdId: result.hold.id, phase: result.hold.phase, expiresAt: result.hold.expiresAt, alreadyHeld: !result.fresh, ...result.links,
        };
        // Ready for an http-response: the webhook learns the playbook waits for a person. The
        // sender is not the approver (an attacker who can post alerts would approve the
        // containment they provoke): the links stay out of the answer unless asked for.
        const answered = config.linksInAnswer === true ? approval
          : { holdId: approval.holdId, phase: approval.phase, expiresAt: approval.expiresAt, alreadyHeld: approval.alreadyHeld, decideIn: DECIDE_IN };
        Object.assign(msg, { approval, statusCode: 202, payload: { incident, approval: answered } });
        all[outputs.awaiting!] = msg;
      } else {
        await afterEntry(incident, result);
        if (incident.report) msg.report = incident.report;
        all[outputs.passed] = msg;
      }
      showResult(result);
      send(all);
    });

    if (gateConfig) {
      gates.set(node.id, {
        store,
        phaseLabel: (id) => phaseLabel(gateConfig.framework, id),
        async decide(incidentId, holdId, decision, token, by, reason) {
          // A refused decision (forged, used or expired link) changes nothing, not even the revision.
          const current = await store.get(incidentId);
          if (!current) return { status: 404, message: 'no such incident' };
          const precheck = checkDecision(current, holdId, decision, token, by);
          if (!precheck.ok) return { status: precheck.status, message: precheck.message };
          let outcome!: ReturnType<typeof applyDecision>;
          const incident = await store.update(incidentId, (latest) => {
            outcome = applyDecision(latest, holdId, decision, token, by, reason, nodeRef(node), gateConfig);
          });
          if (outcome.kind === 'rejected') return { status: outcome.check.status, message: outcome.check.message };
          await store.cancelTimer(`hold:${incidentId}:${holdId}`);
          by = outcome.hold.decidedBy ?? by;
          // The run continues from here, as a new message: the held one answered its webhook.
          const msg: IncidentMessage = { _msgid: RED.util.generateId(), incident, approval: { holdId, decision, decidedBy: by, reason } };
          if (outcome.kind === 'denied') {
            emit(outputs.denied, msg);
            node.status({ fill: 'red', shape: 'dot', text: shortText(`denied by ${by}`) });
            return { status: 200, message: `Denied by ${by}. The step will not run.` };
          }
          if (outcome.result.kind === 'refused') {
            emit(outputs.refused, { ...msg, reason: outcome.result.reason });
            return { status: 200, message: `Approved by ${by}, but the incident can no longer enter this phase: ${outcome.result.reason}` };
          }
          await afterEntry(incident, outcome.result);
          if (incident.report) msg.report = incident.report;
          emit(outputs.passed, msg);
          showResult(outcome.result);
          return { status: 200, message: `Approved by ${by}. The playbook continues.` };
        },
      });
      node.on('close', () => { gates.delete(node.id); });

      handle.onTimer(async (timer: StoredTimer) => {
        if (timer.kind === 'hold-expiry') {
          let expired: Hold | undefined;
          const incident = await store.update(timer.incidentId, (latest) => { expired = applyExpiry(latest, String(timer.data?.holdId), nodeRef(node), gateConfig); });
          if (!expired) return;
          emit(outputs.denied, { _msgid: RED.util.generateId(), incident, approval: { holdId: expired.id, decision: 'expired' } } as NodeMessage);
          node.status({ fill: 'grey', shape: 'ring', text: 'approval expired' });
        } else {
          const data = timer.data as { phase: string; enteredAt: string };
          let breached = false;
          const incident = await store.update(timer.incidentId, (latest) => { breached = applySlaCheck(latest, data.phase, data.enteredAt, nodeRef(node), gateConfig); });
          if (!breached) return;
          emit(outputs.sla, { _msgid: RED.util.generateId(), incident, sla: { phase: data.phase, enteredAt: data.enteredAt, dueAt: timer.dueAt } } as NodeMessage);
          node.status({ fill: 'red', shape: 'ring', text: 'SLA breached' });
        }
      });
    }
  }

  RED.nodes.registerType('ir-phase-gate', PhaseGate);

  // The editor dialog offers the phases of the chosen framework from this one definition.
  RED.httpAdmin.get('/ir-phase-gate/frameworks', RED.auth.needsPermission('ir-phase-gate.read'), (_req, res) => {
    res.json(FRAMEWORKS);
  });

  // Approval links. GET only shows the confirmation page; the POST from that page decides.
  const route = '/ir-approval/:incidentId/:holdId/:decision/:token';
  // Ids are ULIDs and tokens base64url: anything else is no approval (and never reaches the store).
  const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
  const wellFormed = (p: Record<string, string>) => ULID.test(p.incidentId) && ULID.test(p.holdId) && /^[A-Za-z0-9_-]{20,100}$/.test(p.token) && (p.decision === 'approve' || p.decision === 'deny');
  RED.httpNode.get(route, (req, res) => {
    const { incidentId, holdId, decision, token } = req.params;
    if (!wellFormed(req.params) || (decision !== 'approve' && decision !== 'deny')) return send(res, 404, resultPage('Not found', 'No such approval link.'));
    findHold(incidentId, holdId).then((found) => {
      if (!found) return send(res, 404, resultPage('Not found', 'No such approval, or its playbook step is no longer deployed.'));
      const { incident, hold, gate } = found;
      // The token is checked before the page shows anything about the incident.
      const link = checkLink(incident, holdId, decision, token);
      if (!link.ok) return send(res, link.status, resultPage('Not available', `This approval link cannot be used: ${link.message}.`));
      send(res, 200, confirmationPage(incident, hold, decision, gate.phaseLabel(hold.phase), gate.phaseLabel(incident.phase ?? ''), link.approver));
    }).catch((err: Error) => send(res, 500, resultPage('Error', err.message)));
  });
  RED.httpNode.post(route, (req, res) => {
    const { incidentId, holdId, decision, token } = req.params;
    if (!wellFormed(req.params) || (decision !== 'approve' && decision !== 'deny')) return send(res, 404, resultPage('Not found', 'No such approval link.'));
    Promise.all([findHold(incidentId, holdId), readForm(req)]).then(async ([found, form]) => {
      if (!found) return send(res, 404, resultPage('Not found', 'No such approval, or its playbook step is no longer deployed.'));
      // An approver's own link names them; otherwise the typed name (control and invisible
      // characters removed) goes into the timeline.
      const link = checkLink(found.incident, holdId, decision, token);
      const by = link.ok && link.approver ? link.approver : safeText(form.get('by') ?? '').slice(0, 200);
      const reason = safeText(form.get('reason') ?? '').slice(0, 2000);
      if (!by || !/[\p{L}\p{N}]/u.test(by)) return send(res, 400, resultPage('Name needed', 'Say who decides: the name goes into the incident timeline.'));
      const result = await found.gate.decide(incidentId, holdId, decision, token, by, reason);
      send(res, result.status, resultPage(result.status === 200 ? (decision === 'approve' ? 'Approved' : 'Denied') : 'Not decided', result.message));
    }).catch((err: Error) => send(res, 500, resultPage('Error', err.message)));
  });
};
