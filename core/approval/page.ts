import type { Hold, Incident } from '../model/types';
import type { Decision } from './holds';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}table{border-collapse:collapse;margin:1rem 0}td{padding:.2rem .8rem .2rem 0;vertical-align:top}
td:first-child{color:#666}label{display:block;margin:.8rem 0 .2rem}input,textarea{width:100%;padding:.4rem;font:inherit}
button{margin-top:1rem;padding:.6rem 1.4rem;font:inherit;border:0;border-radius:4px;color:#fff;cursor:pointer}
.approve{background:#2e7d32}.deny{background:#c62828}.note{padding:.8rem;border-radius:4px;background:#f3f3f3}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * The page a link opens. It only shows what would be decided: link scanners and chat previews
 * fetch with GET, so only the POST of this form decides.
 */
export function confirmationPage(incident: Incident, hold: Hold, decision: Decision, phaseLabel: string, currentPhaseLabel: string, approver?: string): string {
  const verb = decision === 'approve' ? 'Approve' : 'Deny';
  // What the approver decides on, all of it: an attacker could otherwise push the account a
  // containment step will act on below a cut-off, behind harmless observables.
  const listed = (items: typeof incident.observables, max: number): string => {
    const shown = items.slice(0, max).map((o) => `${esc(o.type)} <code>${esc(o.value)}</code>${o.verdict ? ` — ${esc(o.verdict)}` : ''}`);
    if (items.length > max) shown.push(`<i>and ${items.length - max} more (see the incident)</i>`);
    return shown.join('<br>') || '—';
  };
  const accounts = listed(incident.observables.filter((o) => o.type === 'user'), 50);
  const observables = listed(incident.observables.filter((o) => o.type !== 'user'), 20);
  // An approver's own link names them: nothing to type.
  const who = approver
    ? `<p>You decide as <b>${esc(approver)}</b> (this link was made for you).</p>`
    : `<label for="by">Your name</label><input id="by" name="by" required autocomplete="name">`;
  return page(`${verb}: ${incident.title}`, `<h1>${verb} “${esc(phaseLabel)}”?</h1>
<p>The playbook is holding incident <b>${esc(incident.title)}</b> before this step until a person decides.</p>
<table><tr><td>Incident</td><td><code>${esc(incident.id)}</code></td></tr>
<tr><td>Severity</td><td>${esc(incident.severity)}</td></tr>
<tr><td>Current phase</td><td>${esc(currentPhaseLabel || '—')}</td></tr>
<tr><td>Step held</td><td>${esc(phaseLabel)}</td></tr>
<tr><td>Accounts named</td><td>${accounts}</td></tr>
<tr><td>Other observables</td><td>${observables}</td></tr>
<tr><td>Expires</td><td>${esc(hold.expiresAt)}</td></tr></table>
<form method="post">${who}<label for="reason">Reason (recorded in the timeline)</label><textarea id="reason" name="reason" rows="3"></textarea>
<button class="${decision}" type="submit">${verb}</button></form>`);
}

export function resultPage(title: string, message: string): string {
  return page(title, `<h1>${esc(title)}</h1><p class="note">${esc(message)}</p>`);
}
