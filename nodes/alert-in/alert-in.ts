import zlib from 'node:zlib';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { AlertFormatError, FORMATS, normalizeAlerts } from '../../core/normalize';
import { ingestAlert, type IngestResult } from '../../core/intake/ingest';
import { header, verifyWebhook, type WebhookAuth } from '../../core/intake/webhook';
import type { NormalizedAlert } from '../../core/model/types';
import { nodeRef, onInput, shortText, useStore, type IncidentMessage, type Send } from '../common/node';

interface AlertInDef extends NodeDef {
  format: string;
  dedupKey: string;
  dedupKeyType: string;
  windowMinutes: string | number;
  maxAlerts: string | number;
  maxKilobytes: string | number;
  maxDepth: string | number;
  maxRecords: string | number;
  maxRawKilobytes: string | number;
  auth: WebhookAuth;
  store: string;
}

interface AlertInCredentials {
  secret?: string;
}

interface HttpRequestLike {
  headers?: Record<string, string | string[] | undefined>;
}

const OUTPUT_NEW = 0;
const OUTPUT_UPDATE = 1;
const OUTPUT_REJECTED = 2;

function positive(value: string | number, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function rejection(code: string, message: string, statusCode: number) {
  return { statusCode, payload: { error: { code, message } } };
}

class BodyError extends Error {
  constructor(readonly code: string, message: string, readonly statusCode: number) {
    super(message);
  }
}


/**
 * The body as the sender meant it: decompressed when it says Content-Encoding gzip or deflate
 * (never past the size limit), and read as Latin-1 when its charset says so.
 */
function decodeBody(body: unknown, headers: HttpRequestLike['headers'], maxBytes: number): unknown {
  if (!Buffer.isBuffer(body)) return body;
  let bytes = body;
  const encoding = (header(headers ?? {}, 'content-encoding') ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    if (encoding !== 'gzip' && encoding !== 'deflate' && encoding !== 'x-gzip') {
      throw new BodyError('bad-encoding', `Content-Encoding "${encoding}" is not supported (gzip, deflate)`, 415);
    }
    try {
      const options = { maxOutputLength: maxBytes + 1 };
      bytes = encoding === 'deflate' ? zlib.inflateSync(body, options) : zlib.gunzipSync(body, options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        throw new BodyError('too-large', `the decompressed body is larger than ${maxBytes} bytes`, 413);
      }
      throw new BodyError('bad-encoding', `the ${encoding} body cannot be decompressed: ${(err as Error).message}`, 400);
    }
    if (bytes.length > maxBytes) throw new BodyError('too-large', `the decompressed body is larger than ${maxBytes} bytes`, 413);
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(header(headers ?? {}, 'content-type') ?? '')?.[1]?.toLowerCase();
  if (charset && ['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252', 'us-ascii'].includes(charset)) return bytes.toString('latin1');
  return bytes;
}

export = function (RED: NodeAPI): void {
  function AlertIn(this: Node<AlertInCredentials>, config: AlertInDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const format = config.format || 'auto';
    const dedupKeyType = config.dedupKeyType || 'default';
    const dedupKeyExpr = dedupKeyType === 'jsonata' ? RED.util.prepareJSONataExpression(config.dedupKey, node) : undefined;
    const windowMs = positive(config.windowMinutes, 15) * 60 * 1000;
    const maxAlerts = Math.floor(positive(config.maxAlerts, 20));
    const maxBytes = Math.floor(positive(config.maxKilobytes, 1024) * 1024);
    const maxDepth = Math.floor(positive(config.maxDepth, 64));
    const maxRecords = Math.floor(positive(config.maxRecords, 500));
    const maxRawBytes = Math.floor(positive(config.maxRawKilobytes, 64) * 1024);
    const auth: WebhookAuth = config.auth || 'none';
    const { store } = useStore(RED, node, config.store);

    if (auth !== 'none' && !node.credentials.secret) {
      node.warn('webhook verification is on but no secret is set: every request will be rejected with 401');
    }

    function dedupKeyFor(msg: IncidentMessage, alert: NormalizedAlert): Promise<string | undefined> {
      if (dedupKeyType === 'msg') {
        const value = RED.util.getMessageProperty(msg, config.dedupKey);
        return Promise.resolve(value === undefined || value === null || value === '' ? undefined : String(value));
      }
      if (!dedupKeyExpr) return Promise.resolve(undefined);
      // The expression sees the message with the normalized alert at msg.alert.
      return new Promise((resolve, reject) => {
        RED.util.evaluateJSONataExpression(dedupKeyExpr, { ...msg, alert }, (err: Error | null, value: unknown) => {
          if (err) reject(new Error(`dedup key expression failed: ${err.message}`));
          else resolve(value === undefined || value === null || value === '' ? undefined : String(value));
        });
      });
    }

    function reject(msg: IncidentMessage, send: Send, code: string, message: string, statusCode: number): void {
      Object.assign(msg, rejection(code, message, statusCode));
      node.status({ fill: 'red', shape: 'ring', text: shortText(`rejected: ${message}`) });
      const outputs: Array<NodeMessage | null> = [null, null, null];
      outputs[OUTPUT_REJECTED] = msg;
      send(outputs);
      // Unwired rejected output: make the failure visible to Catch nodes instead of silent.
      const wires = (node as unknown as { wires?: unknown[][] }).wires;
      if (!wires?.[OUTPUT_REJECTED]?.length) node.error(`alert rejected (${statusCode}): ${message}`, msg);
    }

    onInput(node, async (msg, send) => {
      const req = msg.req as HttpRequestLike | undefined;
      const body = msg.payload;
      const check = verifyWebhook(auth, node.credentials.secret, {
        headers: req?.headers ?? {},
        rawBody: Buffer.isBuffer(body) || typeof body === 'string' ? body : undefined,
      });
      if (!check.ok) return reject(msg, send, 'unauthorized', check.reason, 401);

      let alerts: NormalizedAlert[];
      try {
        const decoded = decodeBody(body, req?.headers, maxBytes);
        alerts = normalizeAlerts(decoded as Buffer | string | object, { format, maxBytes, maxDepth });
      } catch (err) {
        if (err instanceof AlertFormatError || err instanceof BodyError) return reject(msg, send, err.code, err.message, err.statusCode);
        throw err;
      }
      if (alerts.length === 0) return reject(msg, send, 'empty', 'the body holds no alert', 400);
      if (alerts.length > maxRecords) {
        return reject(msg, send, 'too-many-records', `the body holds ${alerts.length} alerts; this node accepts at most ${maxRecords} per request`, 413);
      }

      const results: Array<{ alert: NormalizedAlert; result: IngestResult }> = [];
      for (const alert of alerts) {
        const result = await ingestAlert(store, alert, {
          node: nodeRef(node), dedupKey: await dedupKeyFor(msg, alert), windowMs, maxAlerts, maxRawBytes,
        });
        results.push({ alert, result });
      }

      // One message per alert; only the first carries the HTTP request, so the webhook is
      // answered once even when a body held several alerts (e.g. several CEF lines).
      results.forEach(({ result }, index) => {
        const out: IncidentMessage = index === 0 ? msg : (RED.util.cloneMessage(msg) as IncidentMessage);
        if (index > 0) { delete out.req; delete out.res; }
        if (alerts.length > 1) Object.assign(out, { alertIndex: index, alertTotal: alerts.length });
        const outputs: Array<NodeMessage | null> = [null, null, null];
        if (result.outcome === 'new') {
          out.incident = result.incident;
          outputs[OUTPUT_NEW] = out;
        } else if (result.outcome === 'resolved-unmatched') {
          // The source says "over" for something no open incident knows: answer, open nothing.
          out.update = 'resolved-unmatched';
          out.statusCode = 200;
          out.payload = { update: 'resolved-unmatched', ignored: true, reason: 'resolution for no open incident', dedupKey: result.dedupKey };
          outputs[OUTPUT_UPDATE] = out;
        } else {
          out.incident = result.incident;
          out.update = result.outcome;
          out.duplicateOf = result.incident.id;
          out.statusCode = 200;
          out.payload = { incident: result.incident, duplicateOf: result.incident.id, update: result.outcome };
          outputs[OUTPUT_UPDATE] = out;
        }
        send(outputs);
      });

      const last = results[results.length - 1].result;
      const text = last.outcome === 'new' ? `new ${last.incident.severity}: ${last.incident.title}`
        : last.outcome === 'resolved-unmatched' ? 'resolution ignored' : `${last.outcome}: ${last.incident.alertCount} alerts`;
      node.status({ fill: last.outcome === 'new' ? 'green' : 'blue', shape: 'dot', text: shortText(text) });
    });
  }

  // The editor dialog lists the formats from the normalizer's own table.
  RED.httpAdmin.get('/ir-alert-in/formats', RED.auth.needsPermission('ir-alert-in.read'), (_req, res) => {
    res.json(FORMATS.map(({ id, label }) => ({ id, label })));
  });

  RED.nodes.registerType<Node<AlertInCredentials>, AlertInDef, object, AlertInCredentials>('ir-alert-in', AlertIn, { credentials: { secret: { type: 'password' } } });
};
